/** The transit secrets engine (reference §9): keys never leave it; callers get ciphertexts and signatures. */
import type { Backend, BackendFactory } from '../../core/backend';
import { own } from '../approle/field-parsers';
import { createRouteTable, SEGMENT } from '../approle/route-table';
import { createCryptoHandlers } from './transit-crypto.handlers';
import { createKeyHandlers, type TransitState } from './transit-keys.handlers';

/** Creates a transit backend bound to one mount's state. */
export const createTransitBackend: BackendFactory = (core): Backend => {
  const state = core.state<TransitState>(() => ({ keys: {} }));
  const keys = createKeyHandlers(core, state);
  const crypto = createCryptoHandlers(keys);
  const HASH = '(?:/([a-z0-9-]+))?';
  const route = createRouteTable([
    { pattern: /^keys$/, ops: { list: keys.listKeys } },
    {
      pattern: new RegExp(`^keys/${SEGMENT}$`),
      ops: { read: keys.readKey, write: keys.writeKey, delete: keys.deleteKey },
    },
    {
      pattern: new RegExp(`^keys/${SEGMENT}/rotate$`),
      ops: { write: keys.rotateKey },
    },
    {
      pattern: new RegExp(`^keys/${SEGMENT}/config$`),
      ops: { write: keys.configKey },
    },
    {
      pattern: new RegExp(`^encrypt/${SEGMENT}$`),
      ops: { write: crypto.encrypt },
    },
    {
      pattern: new RegExp(`^decrypt/${SEGMENT}$`),
      ops: { write: crypto.decrypt },
    },
    {
      pattern: new RegExp(`^sign/${SEGMENT}${HASH}$`),
      ops: { write: crypto.signInput },
    },
    {
      pattern: new RegExp(`^verify/${SEGMENT}${HASH}$`),
      ops: { write: crypto.verifyInput },
    },
  ]);
  return {
    type: 'transit',
    // Key writes and encrypt's upsert need `create` when the key is new (§6, §9).
    exists(path) {
      const m = /^(keys|encrypt)\/([^/]+)$/.exec(path.replace(/\/+$/, ''));
      return m ? own(state.keys, m[2]) !== undefined : undefined;
    },
    handle: route,
  };
};
