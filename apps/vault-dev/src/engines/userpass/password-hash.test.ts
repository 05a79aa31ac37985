import { randomBytes, scryptSync } from 'node:crypto';
import { hashPassword, verifyPassword } from './password-hash';

describe('userpass password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse');
    expect(stored).toMatch(/^scrypt\$\d+\$8\$1\$/);
    expect(stored).not.toContain('correct horse');
    await expect(verifyPassword('correct horse', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horsE', stored)).resolves.toBe(false);
  });

  it('salts every hash, so equal passwords store differently', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it('verifies hashes made with other recorded scrypt parameters', async () => {
    const salt = randomBytes(16);
    const key = scryptSync('pw', salt, 32, { N: 16384, r: 8, p: 1 });
    const stored = [
      'scrypt',
      16384,
      8,
      1,
      salt.toString('base64'),
      key.toString('base64'),
    ].join('$');
    await expect(verifyPassword('pw', stored)).resolves.toBe(true);
  });

  it.each([undefined, '', 'plain-text', 'bcrypt$x$y$z$a$b'])(
    'refuses any password against the unusable hash %p',
    async (stored) => {
      await expect(verifyPassword('', stored)).resolves.toBe(false);
      await expect(verifyPassword('plain-text', stored)).resolves.toBe(false);
    },
  );
});
