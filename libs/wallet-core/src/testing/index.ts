// Test support for wallet-core's users (`@secret-flows/wallet-core/testing`): an in-memory KV v2
// with real versions and check-and-set, so every project tests against the same behaviour.
export { createFakeKv } from './fake-kv';
export type { FakeKv, FakeKvOptions } from './fake-kv';
