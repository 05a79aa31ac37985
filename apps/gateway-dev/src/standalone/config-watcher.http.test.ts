import * as fs from 'node:fs';
import { startGateway } from '../gateway';
import { startEchoUpstream, writeTempConfig } from '../../test/echo-upstream';

const configWith = (port: number, uris: string[], end = '#END') =>
  `routes:\n${uris
    .map(
      (uri, index) =>
        `  - id: r${index}\n    uri: ${uri}\n    upstream:\n      nodes: [{host: 127.0.0.1, port: ${port}, weight: 1}]\n`,
    )
    .join('')}${end}\n`;

/** Polls until the status of a path is the expected one, for at most about two seconds. */
async function statusBecomes(url: string, expected: number): Promise<number> {
  let status = 0;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    status = (await fetch(url)).status;
    if (status === expected) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return status;
}

describe('reloading apisix.yaml while running (APISIX re-reads it every second)', () => {
  it('serves a changed file and keeps the last good one when a change cannot be honoured', async () => {
    const echo = await startEchoUpstream('echo');
    const file = writeTempConfig(configWith(echo.port, ['/a']));
    const errors: unknown[] = [];
    const gateway = await startGateway({
      configPath: file,
      env: {},
      port: 0,
      reloadIntervalMs: 20,
      logger: {
        info: () => undefined,
        warn: () => undefined,
        error: (fields) => errors.push(fields),
      },
    });
    try {
      expect((await fetch(`${gateway.address}/b`)).status).toBe(404);
      fs.writeFileSync(file, configWith(echo.port, ['/a', '/b']));
      expect(await statusBecomes(`${gateway.address}/b`, 200)).toBe(200);
      expect(gateway.routeIds).toEqual(['r0', 'r1']);

      fs.writeFileSync(file, configWith(echo.port, ['/a'], '# no end marker'));
      for (
        let attempt = 0;
        attempt < 100 && errors.length === 0;
        attempt += 1
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(JSON.stringify(errors)).toContain('missing valid end flag');
      expect((await fetch(`${gateway.address}/b`)).status).toBe(200);
    } finally {
      await gateway.stop();
      await echo.close();
    }
  });
});
