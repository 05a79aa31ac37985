import { AppError } from '@secret-flows/contracts';
import type { Response } from 'express';
import type { z } from 'zod';

/**
 * Sends a body only after checking it against its contract schema, so a backend bug can never put
 * a field on the wire that the API does not promise (a private key, a stray token).
 */
export function sendValid<S extends z.ZodType>(
  res: Response,
  status: number,
  schema: S,
  body: unknown,
): void {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new AppError(
      'internal',
      'The response did not match the API contract.',
      {
        cause: new Error(
          `response of ${res.req.method} ${res.req.route?.path ?? ''} failed its schema`,
        ),
      },
    );
  }
  res.status(status).json(parsed.data);
}
