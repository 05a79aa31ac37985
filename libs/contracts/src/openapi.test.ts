import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  AGENT_ROUTES,
  WALLET_ROUTES,
  agentOpenApiDocument,
  renderOpenApiDocuments,
  walletOpenApiDocument,
} from './index';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

function collectRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((item) => collectRefs(item, out));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value);
      else collectRefs(value, out);
    }
  }
  return out;
}

describe('generated OpenAPI documents', () => {
  it.each(Object.entries(renderOpenApiDocuments()))(
    'committed %s matches the zod contracts',
    (relative, generated) => {
      const target = path.join(repoRoot, relative);
      const committed = fs.existsSync(target)
        ? fs.readFileSync(target, 'utf8')
        : '';
      if (committed !== generated) {
        throw new Error(
          `${relative} is stale: it differs from what the zod schemas in libs/contracts generate.\n` +
            'Regenerate it with `npm run openapi -w @secret-flows/contracts` and commit the result.',
        );
      }
    },
  );

  it.each([
    ['agent', agentOpenApiDocument()],
    ['wallet', walletOpenApiDocument()],
  ])(
    'every $ref of the %s document resolves to a component schema',
    (_name, doc) => {
      const schemas = (
        doc['components'] as { schemas: Record<string, unknown> }
      ).schemas;
      const refs = collectRefs(doc);
      expect(refs.length).toBeGreaterThan(10);
      for (const ref of refs) {
        expect(ref).toMatch(/^#\/components\/schemas\//);
        expect(schemas).toHaveProperty([
          ref.slice('#/components/schemas/'.length),
        ]);
      }
    },
  );

  it.each([
    ['agent', agentOpenApiDocument(), AGENT_ROUTES],
    ['wallet', walletOpenApiDocument(), WALLET_ROUTES],
  ])(
    'the %s document has one operation per route with every path parameter declared',
    (_name, doc, routes) => {
      const paths = doc['paths'] as Record<
        string,
        Record<
          string,
          { operationId: string; parameters?: { name: string; in: string }[] }
        >
      >;
      for (const route of Object.values(routes)) {
        const op = paths[route.path]?.[route.method];
        expect(op?.operationId).toBe(route.operationId);
        const templated = [...route.path.matchAll(/\{(\w+)\}/g)].map(
          (m) => m[1],
        );
        const declared = (op?.parameters ?? [])
          .filter((p) => p.in === 'path')
          .map((p) => p.name);
        expect(declared.sort()).toEqual(templated.sort());
      }
    },
  );

  it('documents Retry-After on outage responses and problem JSON on errors', () => {
    const doc = agentOpenApiDocument() as {
      paths: Record<
        string,
        Record<
          string,
          {
            responses: Record<
              string,
              {
                headers?: Record<string, unknown>;
                content: Record<string, { schema: unknown }>;
              }
            >;
          }
        >
      >;
    };
    const getSecret = doc.paths['/secrets/{name}']['get'].responses;
    expect(getSecret['503'].headers?.['Retry-After']).toBeDefined();
    expect(getSecret['404'].content['application/problem+json'].schema).toEqual(
      { $ref: '#/components/schemas/Problem' },
    );
    expect(getSecret['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Secret',
    });
  });

  it('renders requests as input, so defaulted query parameters are optional', () => {
    const doc = agentOpenApiDocument() as {
      paths: Record<
        string,
        Record<string, { parameters: { name: string; required: boolean }[] }>
      >;
    };
    const params = doc.paths['/wallets']['get'].parameters;
    expect(params.map((p) => [p.name, p.required])).toEqual([
      ['offset', false],
      ['limit', false],
    ]);
  });
});
