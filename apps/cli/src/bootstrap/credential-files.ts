import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  isNotFound,
  type VaultClient,
  VaultResponseError,
} from '@secret-flows/vault-client';

/** Writes `content` atomically with mode 0600 unless the file already holds it; true when written. */
export function writePrivateFile(file: string, content: string): boolean {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) {
    fs.chmodSync(file, 0o600);
    return false;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return true;
}

export interface CredentialFiles {
  role: string;
  roleIdFile: string;
  secretIdFile?: string;
  wrappedSecretIdFile?: string;
}

/**
 * role_id and a secret_id (or a response-wrapped one) for local runs. A secret_id already in
 * `outDir` that Vault still accepts is kept, so a second run changes nothing.
 */
export async function writeAppRoleCredentials(
  vault: VaultClient,
  options: {
    role: string;
    outDir: string;
    wrap: boolean;
    wrapTtlSeconds: number;
  },
  changes: string[],
): Promise<CredentialFiles> {
  const approle = vault.auth.approle();
  const { role, outDir } = options;
  fs.mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const roleIdFile = path.join(outDir, `${role}-role-id`);
  if (writePrivateFile(roleIdFile, await approle.readRoleId(role)))
    changes.push(`wrote ${roleIdFile}`);
  if (options.wrap) {
    const wrappedSecretIdFile = path.join(outDir, `${role}-secret-id.wrapped`);
    if (!(await wrappedTokenStillValid(vault, wrappedSecretIdFile, role))) {
      const generated = await approle.generateSecretId(role, {
        wrapTtlSeconds: options.wrapTtlSeconds,
      });
      if (!generated.wrapInfo)
        throw new Error('Vault did not wrap the secret_id');
      writePrivateFile(wrappedSecretIdFile, generated.wrapInfo.token);
      changes.push(
        `wrote a response-wrapped secret_id to ${wrappedSecretIdFile} (valid ${options.wrapTtlSeconds} s, single use)`,
      );
    }
    return { role, roleIdFile, wrappedSecretIdFile };
  }
  const secretIdFile = path.join(outDir, `${role}-secret-id`);
  if (!(await secretIdStillValid(vault, secretIdFile, role))) {
    const generated = await approle.generateSecretId(role);
    writePrivateFile(secretIdFile, generated.secretId as string);
    changes.push(`wrote a new secret_id to ${secretIdFile}`);
  }
  return { role, roleIdFile, secretIdFile };
}

async function secretIdStillValid(
  vault: VaultClient,
  file: string,
  role: string,
): Promise<boolean> {
  if (!fs.existsSync(file)) return false;
  const secretId = fs.readFileSync(file, 'utf8').trim();
  return (
    secretId !== '' &&
    (await vault.auth.approle().lookupSecretId(role, secretId)) !== undefined
  );
}

async function wrappedTokenStillValid(
  vault: VaultClient,
  file: string,
  role: string,
): Promise<boolean> {
  if (!fs.existsSync(file)) return false;
  try {
    const info = await vault.wrapping.lookup(
      fs.readFileSync(file, 'utf8').trim(),
    );
    return info.creationPath === `auth/approle/role/${role}/secret-id`;
  } catch (error) {
    // Used or expired wrapping tokens answer 400 (Vault docs: Response wrapping): issue a new one.
    if (
      error instanceof VaultResponseError &&
      (error.status === 400 || isNotFound(error))
    )
      return false;
    throw error;
  }
}
