import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import type { Platform } from '@secret-flows/cli';
import { http, processEnv, startTestPlatform } from './support/platform';

// vault-transit key custody through the whole chain (gateway -> agent -> wallet -> Vault
// Transit), with the wallet started as a deployment that enables it (VAULT_TRANSIT_MOUNT).
const payload = Buffer.from(
  '{"iss":"did:example:issuer","credentialSubject":{"id":"x"}}',
);

interface KeyBody {
  id: string;
  type: string;
  custody: string;
  publicKeyJwk: JsonWebKey;
  versions?: { version: number; publicKeyJwk: JsonWebKey }[];
}

function verifies(jwk: JsonWebKey, alg: string, signature: string): boolean {
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const sig = Buffer.from(signature, 'base64url');
  if (sig.length !== 64) return false;
  return alg === 'EdDSA'
    ? verify(null, payload, key, sig)
    : verify('sha256', payload, { key, dsaEncoding: 'ieee-p1363' }, sig);
}

describe.each([3, 4] as const)(
  'phase %i: vault-transit custody end to end',
  (phase) => {
    let platform: Platform;

    beforeAll(async () => {
      platform = await startTestPlatform(phase, {
        env: { wallet: { VAULT_TRANSIT_MOUNT: 'transit' } },
      });
    });
    afterAll(async () => {
      await platform?.stop();
    });

    async function jwtOf(username: string, password: string): Promise<string> {
      const login = await http(
        `${platform.urls.gateway}/auth/login/${username}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ password }),
        },
      );
      const token = (login.body as { auth: { client_token: string } }).auth
        .client_token;
      const jwt = await http(`${platform.urls.gateway}/auth/token`, {
        headers: { 'x-vault-token': token },
      });
      return (jwt.body as { data: { token: string } }).data.token;
    }

    const agent = (jwt: string, method: string, path: string, body?: unknown) =>
      http(`${platform.urls.gateway}/cloud-agent${path}`, {
        method,
        headers: {
          apikey: platform.apiKey,
          authorization: `Bearer ${jwt}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    const vault = (
      token: string,
      method: string,
      path: string,
      body?: unknown,
    ) =>
      http(`${platform.urls.vault}/v1/${path}`, {
        method,
        headers: {
          'x-vault-token': token,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    it('creates, signs, rotates and verifies Ed25519 and P-256 keys held by Vault Transit', async () => {
      expect(
        processEnv(platform.processes.wallet?.pid)['VAULT_TRANSIT_MOUNT'],
      ).toBe('transit');
      const tenant = platform.tenants[0];
      const jwt = await jwtOf(
        tenant.username as string,
        tenant.password as string,
      );
      for (const [type, alg] of [
        ['Ed25519', 'EdDSA'],
        ['P-256', 'ES256'],
      ] as const) {
        const created = await agent(jwt, 'POST', '/keys', { type });
        expect(created.status).toBe(201);
        const key = created.body as KeyBody;
        expect([key.custody, key.versions?.length]).toEqual([
          'vault-transit',
          1,
        ]);
        const sign = () =>
          agent(jwt, 'POST', `/keys/${key.id}/sign`, {
            payload: payload.toString('base64url'),
          });
        const first = (await sign()).body as {
          alg: string;
          signature: string;
          keyVersion: number;
        };
        expect([first.alg, first.keyVersion]).toEqual([alg, 1]);
        expect(verifies(key.publicKeyJwk, alg, first.signature)).toBe(true);

        const rotated = await agent(jwt, 'POST', `/keys/${key.id}/rotate`);
        expect(rotated.status).toBe(200);
        const versions = (rotated.body as KeyBody).versions ?? [];
        expect(versions.map((v) => v.version)).toEqual([1, 2]);
        const second = (await sign()).body as {
          signature: string;
          keyVersion: number;
        };
        expect(second.keyVersion).toBe(2);
        expect(verifies(versions[1].publicKeyJwk, alg, second.signature)).toBe(
          true,
        );
        // The old signature still verifies with the v1 public key the key resource lists.
        expect(verifies(versions[0].publicKeyJwk, alg, first.signature)).toBe(
          true,
        );
        expect((await agent(jwt, 'GET', `/keys/${key.id}`)).body).toEqual(
          rotated.body,
        );
      }
      const k1 = await agent(jwt, 'POST', '/keys', { type: 'secp256k1' });
      expect([k1.status, (k1.body as KeyBody).custody]).toEqual([
        201,
        'wallet',
      ]);
      expect(
        (
          await agent(jwt, 'POST', '/keys', {
            type: 'secp256k1',
            custody: 'vault-transit',
          })
        ).status,
      ).toBe(400);
    });

    if (phase === 4) {
      it("refuses one tenant's exchanged Vault token on the other tenant's Transit key (Vault itself says 403)", async () => {
        const [a, b] = platform.tenants;
        const [jwtA, jwtB] = await Promise.all([
          jwtOf(a.username as string, a.password as string),
          jwtOf(b.username as string, b.password as string),
        ]);
        const victim = (await agent(jwtB, 'POST', '/keys', { type: 'Ed25519' }))
          .body as KeyBody;
        const exchanged = await http(
          `${platform.urls.vault}/v1/auth/jwt/login`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ role: 'tenant', jwt: jwtA }),
          },
        );
        const tokenA = (exchanged.body as { auth: { client_token: string } })
          .auth.client_token;
        const input = payload.toString('base64');
        const theirs = await vault(
          tokenA,
          'POST',
          `transit/sign/tenant-${b.id}__${victim.id}`,
          { input },
        );
        expect(theirs.status).toBe(403);
        const own = (await agent(jwtA, 'POST', '/keys', { type: 'Ed25519' }))
          .body as KeyBody;
        expect(
          (
            await vault(
              tokenA,
              'POST',
              `transit/sign/tenant-${a.id}__${own.id}`,
              { input },
            )
          ).status,
        ).toBe(200);
        // Through the agent the other tenant's key does not exist.
        expect(
          (
            await agent(jwtA, 'POST', `/keys/${victim.id}/sign`, {
              payload: 'aGk',
            })
          ).status,
        ).toBe(404);
      });

      it('offboarding a tenant deletes its Transit keys in Vault', async () => {
        const admin = (method: string, path: string, body?: unknown) =>
          http(`${platform.urls.gateway}/cloud-agent${path}`, {
            method,
            headers: {
              apikey: platform.apiKey,
              'x-admin-api-key': platform.adminApiKey,
              ...(body === undefined
                ? {}
                : { 'content-type': 'application/json' }),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
        const created = await admin('POST', '/wallets', { name: 'leaving' });
        expect(created.status).toBe(201);
        const wallet = created.body as {
          id: string;
          login: { username: string; password: string };
        };
        const jwt = await jwtOf(wallet.login.username, wallet.login.password);
        const key = (await agent(jwt, 'POST', '/keys', { type: 'P-256' }))
          .body as KeyBody;
        expect(key.custody).toBe('vault-transit');
        const name = `tenant-${wallet.id}__${key.id}`;
        expect(
          (await vault(platform.vaultRootToken, 'GET', `transit/keys/${name}`))
            .status,
        ).toBe(200);
        expect((await admin('DELETE', `/wallets/${wallet.id}`)).status).toBe(
          204,
        );
        expect(
          (await vault(platform.vaultRootToken, 'GET', `transit/keys/${name}`))
            .status,
        ).toBe(404);
      });
    }
  },
);
