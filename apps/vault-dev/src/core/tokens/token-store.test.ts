import type { VaultState } from '../state/vault-state';
import { createTokenStore } from './token-store';

const spec = {
  policies: ['default'],
  displayName: 't',
  path: 'auth/token/create',
  renewable: true,
  ttlSeconds: 10,
  mountDefaultSeconds: 100,
  mountMaxSeconds: 100,
};

describe('token store', () => {
  it('drops expired tokens from the state once enough new tokens are created', () => {
    let now = 0;
    const state = { tokens: {} } as VaultState;
    const store = createTokenStore({ state, now: () => now });
    for (let i = 0; i < 50; i++) store.create(spec);
    now = 11_000;
    for (let i = 0; i < 50; i++) store.create(spec);
    expect(Object.keys(state.tokens)).toHaveLength(50);
  });

  it('revokes children with their parent but not orphans', () => {
    const state = { tokens: {} } as VaultState;
    const store = createTokenStore({ state, now: () => 0 });
    const parent = store.create(spec).entry;
    const child = store.create({ ...spec, parentId: parent.id }).entry;
    const orphan = store.create(spec).entry;
    store.revokeTree(parent.id);
    expect([
      store.get(parent.id),
      store.get(child.id),
      store.get(orphan.id)?.id,
    ]).toEqual([undefined, undefined, orphan.id]);
  });
});
