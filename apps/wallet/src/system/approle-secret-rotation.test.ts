import { approleAuth } from '@secret-flows/vault-client';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The wallet's AppRole files come from the Secret wallet-approle, mounted as a directory (no
// subPath). The kubelet updates such a volume atomically: it writes the new files into a fresh
// `..<timestamp>` directory, points a temporary symlink at it and renames that over `..data`;
// `role_id` and `secret_id` are symlinks to `..data/<key>`. The rotation CronJob relies on the
// wallet reading the new secret_id at its next login, without a restart.

function kubeletWrite(
  dir: string,
  files: Record<string, string>,
  generation: number,
): void {
  const data = path.join(dir, `..2026_12_04_00_00_0${generation}.000000000`);
  fs.mkdirSync(data);
  for (const [name, value] of Object.entries(files))
    fs.writeFileSync(path.join(data, name), value, { mode: 0o400 });
  fs.symlinkSync(path.basename(data), path.join(dir, '..data_tmp'));
  fs.renameSync(path.join(dir, '..data_tmp'), path.join(dir, '..data'));
  for (const name of Object.keys(files)) {
    if (!fs.existsSync(path.join(dir, name)))
      fs.symlinkSync(path.join('..data', name), path.join(dir, name));
  }
}

describe('a secret_id rotated in the mounted Secret', () => {
  it('is used at the next login, after the kubelet swaps ..data, with no restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'approle-'));
    kubeletWrite(dir, { role_id: 'role-1', secret_id: 'secret-old' }, 1);
    const auth = approleAuth({
      roleIdFile: path.join(dir, 'role_id'),
      secretIdFile: path.join(dir, 'secret_id'),
    });
    const bodies: unknown[] = [];
    const transport = {
      login: async (_path: string, body: unknown) => {
        bodies.push(body);
        return {} as never;
      },
    };
    await auth.login(transport as never);
    kubeletWrite(dir, { role_id: 'role-1', secret_id: 'secret-new' }, 2);
    await auth.login(transport as never);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(bodies).toEqual([
      { role_id: 'role-1', secret_id: 'secret-old' },
      { role_id: 'role-1', secret_id: 'secret-new' },
    ]);
  });
});
