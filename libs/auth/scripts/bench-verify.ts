// Micro-benchmark of the per-request auth cost on the agent and the wallet: tenant JWT
// verification (first sight and reuse) per algorithm, and service token sign/verify.
// Run: npm run bench -w @secret-flows/auth
import * as crypto from 'node:crypto';
import {
  createJwksVerifier,
  createServiceTokenSigner,
  createServiceTokenVerifier,
  generateServiceKeyPair,
  type JwsAlgorithm,
} from '../src/index';

const ITERATIONS = 1000;
const b64 = (value: unknown) =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

function keyPair(alg: JwsAlgorithm) {
  if (alg === 'RS256')
    return crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  if (alg === 'ES256')
    return crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return crypto.generateKeyPairSync('ed25519');
}

function token(
  alg: JwsAlgorithm,
  privateKey: crypto.KeyObject,
  tenant: string,
): string {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg, kid: alg })}.${b64({ iss: 'bench', aud: 'agent', sub: 's', tenant_id: tenant, iat: now, exp: now + 600 })}`;
  const data = Buffer.from(input);
  const signature =
    alg === 'EdDSA'
      ? crypto.sign(null, data, privateKey)
      : crypto.sign(
          'sha256',
          data,
          alg === 'ES256'
            ? { key: privateKey, dsaEncoding: 'ieee-p1363' }
            : privateKey,
        );
  return `${input}.${signature.toString('base64url')}`;
}

async function microsPerOp(fn: (i: number) => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i += 1) await fn(i);
  return Number(process.hrtime.bigint() - start) / 1000 / ITERATIONS;
}

async function main(): Promise<void> {
  const results: Record<string, number> = {};
  const algs: JwsAlgorithm[] = ['RS256', 'ES256', 'EdDSA'];
  const pairs = algs.map((alg) => ({ alg, ...keyPair(alg) }));
  const jwks = {
    keys: pairs.map((p) => ({
      ...p.publicKey.export({ format: 'jwk' }),
      kid: p.alg,
    })),
  };
  const options = {
    jwksUrl: 'http://127.0.0.1/keys',
    issuer: 'bench',
    audience: 'agent',
    fetch: async () => jwks,
  };
  for (const pair of pairs) {
    const uncached = createJwksVerifier({ ...options, verifiedCacheSize: 0 });
    const distinct = Array.from({ length: ITERATIONS }, (_, i) =>
      token(pair.alg, pair.privateKey, `t${i}`),
    );
    results[`tenant JWT ${pair.alg}, first sight (us/op)`] = await microsPerOp(
      (i) => uncached.verify(distinct[i]),
    );
    const cached = createJwksVerifier(options);
    const same = token(pair.alg, pair.privateKey, 'acme');
    await cached.verify(same);
    results[`tenant JWT ${pair.alg}, reused (us/op)`] = await microsPerOp(() =>
      cached.verify(same),
    );
  }
  const service = generateServiceKeyPair();
  const signer = createServiceTokenSigner({
    privateKeyPem: service.privateKeyPem,
    keyId: service.keyId,
  });
  const verifier = createServiceTokenVerifier({
    trustedKeys: { keys: [service.publicJwk] },
    verifiedCacheSize: 0,
  });
  const cachedVerifier = createServiceTokenVerifier({
    trustedKeys: { keys: [service.publicJwk] },
  });
  results['service token sign, fresh (us/op)'] = await microsPerOp((i) =>
    signer.sign({ requestId: `r${i}` }),
  );
  results['service token sign, cached (us/op)'] = await microsPerOp(() =>
    signer.sign(),
  );
  const serviceToken = signer.sign();
  results['service token verify, first sight (us/op)'] = await microsPerOp(() =>
    verifier.verify(serviceToken),
  );
  results['service token verify, reused (us/op)'] = await microsPerOp(() =>
    cachedVerifier.verify(serviceToken),
  );
  const rounded = Object.fromEntries(
    Object.entries(results).map(([k, v]) => [k, Math.round(v * 10) / 10]),
  );
  if (process.argv.includes('--json'))
    process.stdout.write(`${JSON.stringify(rounded)}\n`);
  else
    for (const [name, value] of Object.entries(rounded))
      process.stdout.write(`${name.padEnd(44)} ${value}\n`);
}

void main();
