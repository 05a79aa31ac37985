import { z } from 'zod';
import { TimestampSchema } from './common';

export const WalletIdSchema = z.uuid().describe('Wallet (tenant) id (UUID)');
export type WalletId = z.infer<typeof WalletIdSchema>;

/** Identus WalletManagement: `seed` is 64 bytes as 128 hex characters. */
export const WalletSeedHexSchema = z
  .string()
  .regex(
    /^[0-9a-fA-F]{128}$/,
    'seed must be 64 bytes as 128 hexadecimal characters',
  );

export const CreateWalletRequestSchema = z.strictObject({
  name: z.string().min(1).max(128),
  seed: WalletSeedHexSchema.optional(),
  id: WalletIdSchema.optional(),
});
export type CreateWalletRequest = z.infer<typeof CreateWalletRequestSchema>;

export const WalletSchema = z.object({
  id: WalletIdSchema,
  name: z.string().min(1).max(128),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Wallet = z.infer<typeof WalletSchema>;

/** The tenant login created with a wallet in phase 4; returned once, never again. */
export const WalletLoginSchema = z.object({
  username: z.string().min(1),
  password: z.string().min(1),
});
export type WalletLogin = z.infer<typeof WalletLoginSchema>;

export const CreatedWalletSchema = WalletSchema.extend({
  login: WalletLoginSchema.optional(),
});
export type CreatedWallet = z.infer<typeof CreatedWalletSchema>;

/** Identus `WalletDetailPage`: `self`, `pageOf`, `next`, `previous` are URIs of the pages. */
export const WalletPageSchema = z.object({
  contents: z.array(WalletSchema),
  kind: z.literal('WalletPage'),
  self: z.string(),
  pageOf: z.string(),
  next: z.string().optional(),
  previous: z.string().optional(),
});
export type WalletPage = z.infer<typeof WalletPageSchema>;

export const MAX_PAGE_LIMIT = 100;

/** `?offset&limit` of list endpoints; query strings arrive as text. */
export const PageQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_LIMIT)
    .default(MAX_PAGE_LIMIT),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;

export const WalletIdParamsSchema = z.object({ id: WalletIdSchema });
