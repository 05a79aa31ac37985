import Ajv2020 from 'ajv/dist/2020';
import type { z } from 'zod';
import {
  CreateWalletRequestSchema,
  KeySchema,
  ProblemSchema,
  PutSecretRequestSchema,
  SecretSchema,
  SignRequestSchema,
  WalletPageSchema,
  agentOpenApiDocument,
} from './index';

// The generated JSON Schemas must accept and refuse the same bodies as the zod schemas they come
// from; otherwise clients generated from the OpenAPI document disagree with the services.
const ajv = new Ajv2020({
  strict: false,
  validateFormats: false,
  allErrors: true,
});
ajv.addSchema(agentOpenApiDocument(), 'agent');
const jsonSchema = (name: string) => {
  const validate = ajv.getSchema(`agent#/components/schemas/${name}`);
  if (!validate) throw new Error(`no component ${name}`);
  return validate;
};

const key = {
  id: '6f1c2b8e-3d4a-4b5c-9d8e-7f6a5b4c3d2e',
  type: 'P-256',
  did: 'did:key:zDnae',
  publicKeyJwk: {
    kty: 'EC',
    crv: 'P-256',
    x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
    y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
  },
  createdAt: '2026-11-29T14:00:00.123456789Z',
};
const wallet = {
  id: key.id,
  name: 'acme',
  createdAt: '2026-11-29T14:00:00Z',
  updatedAt: '2026-11-29T14:00:00+01:00',
};

const cases: [string, z.ZodType, unknown, boolean][] = [
  ['Key', KeySchema, key, true],
  [
    'Key',
    KeySchema,
    { ...key, publicKeyJwk: { ...key.publicKeyJwk, d: 'private' } },
    false,
  ],
  ['Key', KeySchema, { ...key, type: 'RSA' }, false],
  ['Key', KeySchema, { ...key, createdAt: 'yesterday' }, false],
  [
    'Secret',
    SecretSchema,
    {
      name: 'db/password',
      value: 'x',
      version: 1,
      createdAt: wallet.createdAt,
    },
    true,
  ],
  [
    'Secret',
    SecretSchema,
    { name: 'db/../x', value: 'x', version: 1, createdAt: wallet.createdAt },
    false,
  ],
  [
    'Secret',
    SecretSchema,
    { name: 'db', value: 'x', version: 0, createdAt: wallet.createdAt },
    false,
  ],
  ['PutSecretRequest', PutSecretRequestSchema, { value: 'x', cas: 0 }, true],
  [
    'PutSecretRequest',
    PutSecretRequestSchema,
    { value: 'x', extra: true },
    false,
  ],
  ['SignRequest', SignRequestSchema, { payload: 'aGVsbG8' }, true],
  ['SignRequest', SignRequestSchema, { payload: 'aGVsbG8=' }, false],
  [
    'CreateWalletRequest',
    CreateWalletRequestSchema,
    { name: 'acme', seed: 'ab'.repeat(64) },
    true,
  ],
  [
    'CreateWalletRequest',
    CreateWalletRequestSchema,
    { name: 'acme', seed: 'xyz' },
    false,
  ],
  [
    'WalletPage',
    WalletPageSchema,
    {
      contents: [wallet],
      kind: 'WalletPage',
      self: '/wallets',
      pageOf: '/wallets',
    },
    true,
  ],
  [
    'WalletPage',
    WalletPageSchema,
    { contents: [wallet], kind: 'Page', self: '/wallets', pageOf: '/wallets' },
    false,
  ],
  [
    'Problem',
    ProblemSchema,
    {
      type: 'urn:x',
      title: 'Not found',
      status: 404,
      code: 'not_found',
      requestId: 'r',
    },
    true,
  ],
  [
    'Problem',
    ProblemSchema,
    {
      type: 'urn:x',
      title: 'Teapot',
      status: 418,
      code: 'teapot',
      requestId: 'r',
    },
    false,
  ],
];

describe('generated JSON Schemas agree with the zod schemas', () => {
  it.each(cases)(
    '%s: zod and JSON Schema agree on sample %#',
    (name, schema, body, valid) => {
      expect(schema.safeParse(body).success).toBe(valid);
      expect(jsonSchema(name)(body)).toBe(valid);
    },
  );
});
