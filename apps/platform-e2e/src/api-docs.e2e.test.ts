import * as fs from 'node:fs';
import * as path from 'node:path';
import * as client from '@secret-flows/client';
import type { Platform } from '@secret-flows/cli';
import { build, transform } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { http, startTestPlatform } from './support/platform';

// The application side of the platform, through the real gateway (phase 3): the browsable API
// reference at /cloud-agent/docs opened in a real headless Chromium, and the README's SDK snippet
// run as written.

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `SKIPPED: the API docs page in a headless browser (${CHROMIUM} is absent; .ci/run installs Debian's chromium).`,
  );
}
const itWithChromium = hasChromium ? it : it.skip;

const README = path.resolve(__dirname, '../../../README.md');

type OpenApi = {
  paths: Record<string, Record<string, { operationId: string }>>;
};

describe('API docs and the SDK through the gateway (phase 3)', () => {
  let platform: Platform;
  let browser: Browser | undefined;

  beforeAll(async () => {
    platform = await startTestPlatform(3);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('serves the reference page and the OpenAPI document without an API key, GET only', async () => {
    const gw = platform.urls.gateway;
    const redirect = await fetch(`${gw}/cloud-agent/docs`, {
      redirect: 'manual',
    });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('docs/');
    const page = await http(`${gw}/cloud-agent/docs/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('x-request-id')).toBeTruthy();
    expect(page.headers.get('content-security-policy')).toContain(
      "script-src 'self'",
    );
    const doc = await http(`${gw}/cloud-agent/docs/openapi.json`);
    expect(doc.status).toBe(200);
    expect(doc.body).toEqual(
      JSON.parse(
        fs.readFileSync(
          path.resolve(__dirname, '../../../docs/api/agent.openapi.json'),
          'utf8',
        ),
      ),
    );
    // Nothing else became public: other methods and the API itself still need the key.
    expect(
      (await http(`${gw}/cloud-agent/docs/openapi.json`, { method: 'POST' }))
        .status,
    ).toBe(401);
    expect((await http(`${gw}/cloud-agent/keys`)).status).toBe(401);
    for (const sneaky of [
      '/cloud-agent/docs/../keys',
      '/cloud-agent/docs/..%2Fkeys',
      '/cloud-agent/docs/%2e%2e/secrets',
    ]) {
      const res = await http(`${gw}${sneaky}`);
      expect([401, 404]).toContain(res.status);
    }
  });

  itWithChromium(
    'lists every operation of the OpenAPI document in headless Chromium, loading nothing from elsewhere',
    async () => {
      const gw = platform.urls.gateway;
      const doc = (await http(`${gw}/cloud-agent/docs/openapi.json`))
        .body as OpenApi;
      const operations = Object.entries(doc.paths).flatMap(([p, ops]) =>
        Object.entries(ops).map(([method, op]) => ({
          method: method.toUpperCase(),
          path: p,
          operationId: op.operationId,
        })),
      );
      expect(operations.length).toBeGreaterThanOrEqual(16);

      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
      const page = await browser.newPage();
      const problems: string[] = [];
      const origin = new URL(gw).origin;
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('request', (r) => {
        const url = new URL(r.url());
        if (url.protocol !== 'data:' && url.origin !== origin)
          problems.push(`request elsewhere: ${r.url()}`);
      });
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
      });
      page.on('requestfailed', (r) =>
        problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`),
      );

      const response = await page.goto(`${gw}/cloud-agent/docs`, {
        waitUntil: 'load',
      });
      expect(response?.status()).toBe(200);
      expect(page.url()).toBe(`${gw}/cloud-agent/docs/`);
      await page.waitForSelector('.opblock', { timeout: 30_000 });
      await page.waitForFunction(
        `document.querySelectorAll('.opblock').length >= ${operations.length}`,
        undefined,
        { timeout: 30_000 },
      );

      const listed = await page.$$eval('.opblock', (blocks) =>
        blocks.map((b) => ({
          method:
            b.querySelector('.opblock-summary-method')?.textContent?.trim() ??
            '',
          path:
            b
              .querySelector('.opblock-summary-path')
              ?.getAttribute('data-path') ?? '',
          operationId:
            b
              .querySelector('.opblock-summary-operation-id')
              ?.textContent?.trim() ?? '',
        })),
      );
      const key = (o: { method: string; path: string; operationId: string }) =>
        `${o.method} ${o.path} ${o.operationId}`;
      expect(listed.map(key).sort()).toEqual(operations.map(key).sort());
      expect(await page.title()).toBe('Secret Flows agent API');
      expect(await page.textContent('.info .title')).toContain(
        'Secret Flows agent API',
      );
      expect(problems).toEqual([]);
    },
    90_000,
  );

  itWithChromium(
    'the SDK runs in the browser too: login, JWT, key, signature and secret through the gateway from a page',
    async () => {
      const gw = platform.urls.gateway;
      // The SDK as a browser app would bundle it (zod included), served from the gateway's origin
      // by the test itself (page.route), so the page's fetch calls are same-origin.
      const bundled = await build({
        entryPoints: [
          path.resolve(__dirname, '../../../libs/client/src/index.ts'),
        ],
        bundle: true,
        write: false,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        conditions: ['@secret-flows/source'],
        logLevel: 'silent',
      });
      const sdk = bundled.outputFiles[0].text;
      const app = `import { createClient, isSecretFlowsError } from './sdk.mjs';
const params = new URLSearchParams(location.hash.slice(1));
const client = createClient({ gatewayUrl: location.origin, apiKey: params.get('k'), credentials: { username: 'demo', password: params.get('p') } });
try {
  const token = await client.auth.token();
  const key = await client.keys.create({ type: 'Ed25519' });
  const sig = await client.keys.sign(key.id, { payload: 'aGVsbG8' });
  await client.secrets.put('browser/probe', { value: 'from the browser' });
  const secret = await client.secrets.get('browser/probe');
  let missing = '';
  try { await client.secrets.get('browser/none'); } catch (err) { missing = isSecretFlowsError(err, 'not_found') ? 'not_found:' + err.requestId : String(err); }
  const ac = new AbortController(); ac.abort();
  const aborted = await client.keys.list({ signal: ac.signal }).then(() => 'no', (err) => err.name);
  window.result = { tenant: token.claims.tenant_id, alg: sig.alg, value: secret.value, missing, aborted };
} catch (err) { window.result = { error: String(err) }; }
`;
      const files: Record<string, [string, string]> = {
        '/sdk-test/index.html': [
          'text/html',
          '<!doctype html><title>sdk</title><script type="module" src="app.mjs"></script>',
        ],
        '/sdk-test/app.mjs': ['text/javascript', app],
        '/sdk-test/sdk.mjs': ['text/javascript', sdk],
      };
      browser ??= await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
      const page = await browser.newPage();
      await page.route(`${gw}/sdk-test/**`, (route) => {
        const file = files[new URL(route.request().url()).pathname];
        return file
          ? route.fulfill({ status: 200, contentType: file[0], body: file[1] })
          : route.fulfill({ status: 404, body: '' });
      });
      const secrets = new URLSearchParams({
        k: platform.apiKey,
        p: platform.tenants[0].password as string,
      });
      await page.goto(`${gw}/sdk-test/index.html#${secrets}`);
      await page.waitForFunction('window.result !== undefined', undefined, {
        timeout: 30_000,
      });
      const result = await page.evaluate('window.result');
      expect(result).toEqual({
        tenant: 'default',
        alg: 'EdDSA',
        value: 'from the browser',
        missing: expect.stringMatching(/^not_found:.+/),
        aborted: 'AbortError',
      });
    },
    90_000,
  );

  it('runs the README\'s "Use it from your application" snippet as written', async () => {
    const readme = fs.readFileSync(README, 'utf8');
    const section = readme.slice(
      readme.indexOf('## Use it from your application'),
    );
    const snippet = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(snippet).toBeDefined();
    const importLine =
      /^import \{([^}]+)\} from '@secret-flows\/client';\n/m.exec(
        snippet as string,
      );
    expect(importLine).not.toBeNull();
    const names = (importLine as RegExpExecArray)[1]
      .split(',')
      .map((n) => n.trim());
    const body = (snippet as string).replace(
      (importLine as RegExpExecArray)[0],
      '',
    );
    const { code } = await transform(body, {
      loader: 'ts',
      format: 'esm',
      target: 'es2022',
    });
    const logs: unknown[][] = [];
    const env = {
      GATEWAY_URL: platform.urls.gateway,
      API_KEY: platform.apiKey,
      DEMO_PASSWORD: platform.tenants[0].password as string,
    };
    const AsyncFunction = Object.getPrototypeOf(async () => undefined)
      .constructor as new (
      ...args: string[]
    ) => (...args: unknown[]) => Promise<void>;
    const run = new AsyncFunction(...names, 'process', 'console', code);
    const sdk = client as unknown as Record<string, unknown>;
    await run(
      ...names.map((n) => sdk[n]),
      { env },
      { log: (...args: unknown[]) => logs.push(args) },
    );
    expect(logs).toHaveLength(2);
    expect(logs[0][0]).toBe('already at version 1');
    expect(logs[0][1]).toEqual(expect.any(String));
    expect(logs[1]).toEqual([
      expect.stringMatching(/^did:key:z/),
      86,
      's3cret',
    ]);
  });
});
