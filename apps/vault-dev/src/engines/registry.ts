/**
 * Mount type -> engine factory. The core mounts `kv` at secret/ and `identity` at
 * identity/ on start; every other type becomes mountable through sys/mounts or sys/auth.
 * One line per engine; keep edits minimal (two engineers add entries here).
 */
import type { BackendFactory } from '../core/backend';
import { createKvBackend } from './kv/kv.backend';

export const backendFactories: Record<string, BackendFactory> = {
  kv: createKvBackend,
};
