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

export const SecretNameListSchema = z.object({
  names: z.array(SecretNameSchema),
});
export type SecretNameList = z.infer<typeof SecretNameListSchema>;

export const SecretNameParamsSchema = z.object({ name: SecretNameSchema });

/** `?version=N` of GET /secrets/{name}; query strings arrive as text. */
export const SecretVersionQuerySchema = z.object({
  version: z.coerce.number().int().min(1).optional(),
});
export type SecretVersionQuery = z.infer<typeof SecretVersionQuerySchema>;
