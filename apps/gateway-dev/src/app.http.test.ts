import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp, type CompiledRoute } from './app';
import type { RoutePlugin } from './plugins/plugin.types';
import { createUpstream } from './proxy/upstream';

describe('the request handler', () => {
  it('answers 500 with the error page and keeps serving when a plugin throws', async () => {
    const errors: unknown[] = [];
    const faulty: RoutePlugin = {
      name: 'faulty',
      priority: 1,
      phase: 'rewrite',
      handle: () => {
        throw new Error('plugin bug');
      },
    };
    const route: CompiledRoute = {
      id: 'r',
      uris: ['/*'],
      priority: 0,
      plugins: [faulty],
      upstream: createUpstream(
        {
          type: 'roundrobin',
          scheme: 'http',
          pass_host: 'pass',
          nodes: { '127.0.0.1:1': 1 },
        },
        'u',
      ),
    };
    const server = http.createServer(
      buildApp({
        router: { match: () => route },
        forward: () => undefined,
        serverPort: () => 0,
        logger: { error: (fields) => errors.push(fields) },
      }),
    );
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      for (const path of ['/a?apikey=secret', '/b']) {
        const response = await fetch(`${base}${path}`);
        expect(response.status).toBe(500);
        expect(await response.text()).toContain(
          '<title>500 Internal Server Error</title>',
        );
      }
      expect(errors).toHaveLength(2);
      expect(JSON.stringify(errors)).not.toContain('secret');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
