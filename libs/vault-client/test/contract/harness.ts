import { createPublicKey, randomUUID, type JsonWebKey } from 'node:crypto';
import * as jwt from 'jsonwebtoken';
// vault-dev is an app, allowed in this project's tests only (vaultDevInTests in eslint.config.mjs).
import { startVaultDev } from '@secret-flows/vault-dev';
import {
  createVaultClient,
  tokenAuth,
  type AuthMethod,
  type JsonWebKeySet,
  type Transport,
  type VaultRequest,
  type VaultClient,
  type VaultClientOptions,
} from '../../src/index';

/** vault-dev on 127.0.0.1:0 plus a root-token client, for contract tests. */
export async function startVault(
  options: { clock?: () => number; dataDir?: string } = {},
) {
  const rootToken = `root-${randomUUID()}`;
  const server = await startVaultDev({ port: 0, rootToken, ...options });
  const clients: VaultClient[] = [];
  const client = (
    options: Partial<VaultClientOptions> & { auth: AuthMethod },
  ) => {
    const c = createVaultClient({
      address: server.address,
      retry: { baseDelayMs: 10, maxDelayMs: 50 },
      ...options,
    });
    clients.push(c);
    return c;
  };
  const root = client({ auth: tokenAuth(rootToken) });
  return {
    server,
    root,
    rootToken,
    client,
    async stop() {
      await Promise.all(clients.map((c) => c.stop().catch(() => undefined)));
      await server.stop();
    },
  };
}

export type TestVault = Awaited<ReturnType<typeof startVault>>;

/** An auth method that counts its logins, to prove "exactly one login". */
export function countingAuth(
  inner: AuthMethod,
): AuthMethod & { count(): number } {
  let n = 0;
  return {
    name: inner.name,
    login(t) {
      n++;
      return inner.login(t);
    },
    count: () => n,
  };
}

/** A child token carrying exactly `policies` (plus default), for policy tests. */
export async function tokenWith(
  vault: TestVault,
  policies: string[],
): Promise<VaultClient> {
  const auth = await vault.root.auth.token.create({
    policies,
    ttl: '10m',
    noParent: true,
  });
  return vault.root.withToken(auth.clientToken);
}

/** Verifies a Vault identity token against the published JWKS, by kid. */
export function verifyWithJwks(
  token: string,
  jwks: JsonWebKeySet,
  audience: string,
): jwt.JwtPayload {
  const header = jwt.decode(token, { complete: true })?.header;
  const jwk = jwks.keys.find((k) => k.kid === header?.kid);
  if (!jwk) throw new Error(`no JWK for kid ${String(header?.kid)}`);
  const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  return jwt.verify(token, key, {
    audience,
    algorithms: [jwk.alg as jwt.Algorithm],
  }) as jwt.JwtPayload;
}

/** Wraps a transport to count calls by path (logins, renewals) and to fail on demand. */
export function countingTransport(inner: Transport) {
  const calls: string[] = [];
  return {
    calls,
    count: (pattern: RegExp) => calls.filter((p) => pattern.test(p)).length,
    transport: {
      send(req: VaultRequest) {
        calls.push(req.path);
        return inner.send(req);
      },
      close: () => inner.close(),
    } satisfies Transport,
  };
}

/** Starts vault-dev directly (restarts on a fixed port, persisted state). */
export { startVaultDev };
