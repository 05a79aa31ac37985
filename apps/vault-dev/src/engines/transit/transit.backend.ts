/** The transit secrets engine: keys never leave it; callers get ciphertexts and signatures. */
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
      fields: [
        'name',
        'type',
        'derived',
        'convergent_encryption',
        'exportable',
        'allow_plaintext_backup',
        'auto_rotate_period',
      ],
      ops: { read: keys.readKey, write: keys.writeKey, delete: keys.deleteKey },
    },
    {
      pattern: new RegExp(`^keys/${SEGMENT}/rotate$`),
      fields: ['name'],
      ops: { write: keys.rotateKey },
    },
    {
      pattern: new RegExp(`^keys/${SEGMENT}/config$`),
      fields: [
        'name',
        'min_decryption_version',
        'min_encryption_version',
        'deletion_allowed',
        'exportable',
        'allow_plaintext_backup',
        'auto_rotate_period',
      ],
      ops: { write: keys.configKey },
    },
    {
      pattern: new RegExp(`^encrypt/${SEGMENT}$`),
      fields: [
        'name',
        'plaintext',
        'key_version',
        'associated_data',
        'batch_input',
        'type',
      ],
      ops: { write: crypto.encrypt },
    },
    {
      pattern: new RegExp(`^decrypt/${SEGMENT}$`),
      fields: ['name', 'ciphertext', 'associated_data', 'batch_input'],
      ops: { write: crypto.decrypt },
    },
    {
      pattern: new RegExp(`^sign/${SEGMENT}${HASH}$`),
      fields: [
        'name',
        'urlalgorithm',
        'input',
        'hash_algorithm',
        'prehashed',
        'signature_algorithm',
        'marshaling_algorithm',
        'key_version',
        'batch_input',
      ],
      ops: { write: crypto.signInput },
    },
    {
      pattern: new RegExp(`^verify/${SEGMENT}${HASH}$`),
      fields: [
        'name',
        'urlalgorithm',
        'input',
        'signature',
        'hash_algorithm',
        'prehashed',
        'signature_algorithm',
        'marshaling_algorithm',
        'batch_input',
      ],
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
