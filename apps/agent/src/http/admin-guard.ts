import * as fs from 'node:fs/promises';
import { AppError } from '@secret-flows/contracts';
import type { RequestHandler } from 'express';
import type { AdminKeySource } from '../config';

/** Compares a presented key with the expected one without leaking where they differ. */
export type KeyComparer = (presented: string, expected: string) => boolean;

export interface AdminGuardOptions {
  source: AdminKeySource;
  compare: KeyComparer;
}

async function expectedKey(
  source: AdminKeySource,
): Promise<string | undefined> {
  if (source.kind === 'none') return undefined;
  if (source.kind === 'value') return source.value;
  // Read on every admin call (they are rare) so a rotated key file takes effect without a restart.
  try {
    const key = (await fs.readFile(source.path, 'utf8')).trim();
    return key === '' ? undefined : key;
  } catch (err) {
    throw new AppError('internal', 'The admin key file cannot be read.', {
      cause: new Error(String((err as Error).message)),
    });
  }
}

/** Admits a request only with the configured x-admin-api-key; there is no default key. */
export function createAdminGuard(options: AdminGuardOptions): RequestHandler {
  return async (req, _res, next) => {
    const expected = await expectedKey(options.source);
    if (expected === undefined) {
      throw new AppError(
        'forbidden',
        'The admin API is disabled: no ADMIN_API_KEY is configured.',
      );
    }
    const presented = req.get('x-admin-api-key');
    if (presented === undefined || presented === '') {
      throw new AppError(
        'unauthorized',
        'The x-admin-api-key header is required.',
      );
    }
    if (!options.compare(presented, expected))
      throw new AppError('forbidden', 'The admin key is not valid.');
    next();
  };
}
