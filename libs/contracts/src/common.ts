import { z } from 'zod';

/** base64url without padding (RFC 4648 §5), the JWS encoding of payloads and signatures. */
export const BASE64URL_PATTERN = /^[A-Za-z0-9_-]*$/;

/** An ISO 8601 timestamp with a timezone, as every `createdAt`/`updatedAt` is written. */
export const TimestampSchema = z.iso
  .datetime({ offset: true })
  .describe('ISO 8601 timestamp');

/** A UUID in canonical textual form. */
export const UuidSchema = z.uuid();
