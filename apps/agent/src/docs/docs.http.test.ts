import * as fs from 'node:fs';
import * as path from 'node:path';
import { agentOpenApiDocument } from '@secret-flows/contracts';
import request from 'supertest';
import { createTestApp } from '../../test/support/test-app';
import { DOCS_CSP } from './docs.routes';

const COMMITTED = path.resolve(
  __dirname,
  '../../../../docs/api/agent.openapi.json',
);

describe('GET /docs: the API reference page and the OpenAPI document', () => {
  const { app } = createTestApp();

  it('redirects /docs to docs/ (relative, so it works behind the gateway prefix)', async () => {
    const res = await request(app).get('/docs').expect(301);
    expect(res.headers['location']).toBe('docs/');
  });

  it('serves the page with its own CSP: scripts from this origin only, nothing from elsewhere', async () => {
    const res = await request(app).get('/docs/').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toBe(DOCS_CSP);
    expect(DOCS_CSP).toMatch(/script-src 'self'(;|$)/);
    expect(DOCS_CSP).not.toMatch(/unsafe-eval|https?:/);
    expect(res.text).toContain('<script src="swagger-ui-bundle.js"></script>');
    // Every reference of the page is relative: no CDN, no absolute URL.
    const refs = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(refs.sort()).toEqual([
      'data:,',
      'init.js',
      'swagger-ui-bundle.js',
      'swagger-ui.css',
    ]); // data:, = no favicon request
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves the OpenAPI document generated from the contracts, identical to the committed docs/api file', async () => {
    const res = await request(app).get('/docs/openapi.json').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual(agentOpenApiDocument());
    expect(res.text).toBe(fs.readFileSync(COMMITTED, 'utf8'));
  });

  it('serves the renderer from node_modules (swagger-ui-dist), with a JavaScript type and a cache lifetime', async () => {
    const js = await request(app).get('/docs/swagger-ui-bundle.js').expect(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.headers['cache-control']).toBe('public, max-age=86400');
    expect(js.text.length).toBeGreaterThan(100_000);
    const css = await request(app).get('/docs/swagger-ui.css').expect(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    const init = await request(app).get('/docs/init.js').expect(200);
    expect(init.text).toContain("url: 'openapi.json'");
    expect(init.text).toContain('validatorUrl: null');
  });

  it.each([
    '/docs/package.json',
    '/docs/index.html',
    '/docs/swagger-ui-bundle.js.map',
    '/docs/..%2Fpackage.json',
    '/docs/%2e%2e/%2e%2e/package.json',
    '/docs/sub/openapi.json',
    '/docs/constructor',
    '/docs/__proto__',
  ])('serves nothing else of the package: %s is a 404 problem', async (url) => {
    const res = await request(app).get(url);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('is read-only: other methods on /docs are not routes', async () => {
    await request(app).post('/docs/openapi.json').send({}).expect(404);
    await request(app).delete('/docs/').expect(404);
  });

  it('leaves the API itself under the strict JSON-API policy', async () => {
    const res = await request(app).get('/_system/health').expect(200);
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none';frame-ancestors 'none'",
    );
  });
});
