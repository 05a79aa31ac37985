import { z } from 'zod';
import { TimestampSchema } from './common';

/** Longest secret name, in characters. */
export const MAX_SECRET_NAME_LENGTH = 256;
/** Largest secret value, in UTF-8 bytes. */
export const MAX_SECRET_VALUE_BYTES = 64 * 1024;

// Segments of [A-Za-z0-9._-] separated by single slashes: no empty segment, no leading or
// trailing slash, no control characters; `..` anywhere and `.` as a whole segment are refused
// so that no layer below (KV paths, URLs, logs) ever has to think about traversal or about two
// names (`a/./b`, `a/b`) that a path cleaner would turn into one.
const SECRET_NAME_PATTERN =
  /^(?!.*\.\.)(?!\.(?:\/|$))(?!.*\/\.(?:\/|$))[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;

export const SecretNameSchema = z
  .string()
  .min(1, 'name must not be empty')
  .max(
    MAX_SECRET_NAME_LENGTH,
    `name must be at most ${MAX_SECRET_NAME_LENGTH} characters`,
  )
  .regex(
    SECRET_NAME_PATTERN,
    "name must be segments of letters, digits, '.', '_' or '-' separated by '/', without '..', '.' or empty segments",
  )
  .describe('Secret name: segments [A-Za-z0-9._-]+ separated by "/"');
export type SecretName = z.infer<typeof SecretNameSchema>;

/** True when `name` is a valid secret name. */
export function isValidSecretName(name: string): boolean {
  return SecretNameSchema.safeParse(name).success;
}

export const SecretVersionSchema = z.number().int().min(1);

export const PutSecretRequestSchema = z.strictObject({
  value: z
    .string()
    .max(
      MAX_SECRET_VALUE_BYTES,
      `value must be at most ${MAX_SECRET_VALUE_BYTES} bytes`,
    )
    .refine(
      (value) => Buffer.byteLength(value, 'utf8') <= MAX_SECRET_VALUE_BYTES,
      `value must be at most ${MAX_SECRET_VALUE_BYTES} bytes`,
    ),
  cas: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      'Check-and-set: 0 = create only, N = only if the current version is N',
    ),
});
export type PutSecretRequest = z.infer<typeof PutSecretRequestSchema>;

export const PutSecretResponseSchema = z.object({
  name: SecretNameSchema,
  version: SecretVersionSchema,
});
export type PutSecretResponse = z.infer<typeof PutSecretResponseSchema>;

export const SecretSchema = z.object({
  name: SecretNameSchema,
  value: z.string(),
  version: SecretVersionSchema,
  createdAt: TimestampSchema,
});
export type Secret = z.infer<typeof SecretSchema>;

/** Names per page of GET /secrets when `limit` is not given, and the most a page may hold. */
export const DEFAULT_SECRET_LIST_LIMIT = 100;
export const MAX_SECRET_LIST_LIMIT = 1000;
/** Longest cursor: an encoded position (a name or a folder) of at most 256 characters. */
const MAX_CURSOR_LENGTH = 400;

export const SecretListCursorSchema = z
  .string()
  .min(1)
  .max(MAX_CURSOR_LENGTH)
  .regex(/^[A-Za-z0-9_-]+$/, 'cursor must be a value returned as `next`')
  .describe('Opaque: the `next` of the previous page');

export const SecretNameListSchema = z.object({
  names: z.array(SecretNameSchema),
  next: SecretListCursorSchema.optional().describe(
    'Present when more names follow: pass it as `cursor` to get the next page',
  ),
});
export type SecretNameList = z.infer<typeof SecretNameListSchema>;

/** `?limit&cursor` of GET /secrets; names come in lexicographic order, one bounded page at a time. */
export const SecretListQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_SECRET_LIST_LIMIT)
    .default(DEFAULT_SECRET_LIST_LIMIT),
  cursor: SecretListCursorSchema.optional(),
});
export type SecretListQuery = z.infer<typeof SecretListQuerySchema>;

export const SecretNameParamsSchema = z.object({ name: SecretNameSchema });

/** `?version=N` of GET /secrets/{name}; query strings arrive as text. */
export const SecretVersionQuerySchema = z.object({
  version: z.coerce.number().int().min(1).optional(),
});
export type SecretVersionQuery = z.infer<typeof SecretVersionQuerySchema>;
