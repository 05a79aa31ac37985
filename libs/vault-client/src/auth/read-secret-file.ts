import { readFile } from 'node:fs/promises';
import { VaultAuthError } from '../errors';

/** Reads a credential file at login time (rotation without restart); the content never reaches an error. */
export async function readSecretFile(
  method: string,
  what: string,
  file: string,
): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new VaultAuthError(
      method,
      `cannot read ${what} file ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const value = text.trim();
  if (!value) throw new VaultAuthError(method, `${what} file ${file} is empty`);
  return value;
}
