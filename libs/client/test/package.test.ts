import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The publishable package (scripts/bundle.mjs) as an application installs it: ESM and CJS
// consumers import it by name and make a call, and a TypeScript consumer type-checks against
// the shipped declarations.

const repo = path.resolve(__dirname, '../../..');
jest.setTimeout(300_000); // tsc on a loaded 2-core machine

describe('the packaged @secret-flows/client (ESM + CJS + types)', () => {
  let app: string;

  beforeAll(() => {
    app = fs.mkdtempSync(path.join(os.tmpdir(), 'sf-client-pkg-'));
    const pkgDir = path.join(app, 'node_modules/@secret-flows/client');
    execFileSync(
      process.execPath,
      [path.join(repo, 'libs/client/scripts/bundle.mjs'), pkgDir],
      { cwd: repo, stdio: 'pipe' },
    );
    // What `npm install` would bring: the package's one dependency.
    fs.symlinkSync(
      path.join(repo, 'node_modules/zod'),
      path.join(app, 'node_modules/zod'),
      'dir',
    );
  });
  afterAll(() => {
    if (app) fs.rmSync(app, { recursive: true, force: true });
  });

  // A fake gateway as `fetch`: answers every call with a problem, so the error path runs too.
  const consumer = (importLine: string) => `${importLine}
const seen = [];
const fetch = async (url, init) => {
  seen.push(init.method + ' ' + new URL(url).pathname);
  return new Response(JSON.stringify({ type: 'urn:secret-flows:problem:not_found', title: 'Not found', status: 404, code: 'not_found', detail: 'no such secret', requestId: 'r-42' }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
};
const client = createClient({ gatewayUrl: 'http://gw.test', apiKey: 'k', fetch });
client.secrets.get('a/b').then(
  () => { throw new Error('expected an error'); },
  (err) => console.log(JSON.stringify({ isError: err instanceof SecretFlowsError, code: err.code, requestId: err.requestId, seen })),
);
`;

  it.each([
    [
      'consumer.mjs',
      "import { createClient, SecretFlowsError } from '@secret-flows/client';",
    ],
    [
      'consumer.cjs',
      "const { createClient, SecretFlowsError } = require('@secret-flows/client');",
    ],
  ])('%s imports it by name and makes a call', (file, importLine) => {
    fs.writeFileSync(path.join(app, file), consumer(importLine));
    const out = execFileSync(process.execPath, [file], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({
      isError: true,
      code: 'not_found',
      requestId: 'r-42',
      seen: ['GET /cloud-agent/secrets/a/b'],
    });
  });

  it('ships bundles without Node built-ins (browsers) and declarations a TypeScript app (and the README snippet) compiles against', () => {
    const pkgDir = path.join(app, 'node_modules/@secret-flows/client');
    for (const bundle of ['index.mjs', 'index.cjs']) {
      const text = fs.readFileSync(path.join(pkgDir, bundle), 'utf8');
      expect(text).not.toMatch(
        /from ["']node:|require\(["']node:|@secret-flows\/contracts/,
      );
    }
    expect(
      JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')),
    ).toMatchObject({
      exports: {
        '.': {
          import: './index.mjs',
          require: './index.cjs',
          types: './types/index.d.ts',
        },
      },
      dependencies: { zod: expect.any(String) },
    });
    fs.writeFileSync(
      path.join(app, 'typed.ts'),
      `import { createClient, isSecretFlowsError, type Key, type ErrorCode } from '@secret-flows/client';
export async function run(): Promise<string> {
  const client = createClient({ gatewayUrl: 'http://gw.test', apiKey: 'k', credentials: { username: 'u', password: 'p' } });
  const key: Key = await client.keys.create({ type: 'Ed25519' });
  const put = await client.secrets.put('a', { value: 'v', cas: 0 });
  try { await client.secrets.get('a', { version: put.version }); } catch (err) { if (isSecretFlowsError(err, 'not_found')) { const c: ErrorCode = err.code; return c; } }
  return key.publicKeyJwk.kty;
}
`,
    );
    // The root README's "Use it from your application" snippet, type-checked as an ES module.
    const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
    const snippet = /```ts\n([\s\S]*?)```/.exec(
      readme.slice(readme.indexOf('## Use it from your application')),
    )?.[1];
    expect(snippet).toContain("from '@secret-flows/client'");
    // Only `process.env` of Node is used; declared here so the check needs no @types/node.
    fs.writeFileSync(
      path.join(app, 'readme.mts'),
      `declare const process: { env: Record<string, string | undefined> };\n${snippet}\nexport {};\n`,
    );
    fs.writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2022', 'dom'],
          types: [],
          skipLibCheck: false,
        },
        files: ['typed.ts', 'readme.mts'],
      }),
    );
    execFileSync(
      process.execPath,
      [path.join(repo, 'node_modules/typescript/bin/tsc'), '-p', app],
      { cwd: app, encoding: 'utf8' },
    );
  });
});
