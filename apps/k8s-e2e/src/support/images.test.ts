import * as fs from 'node:fs';
import * as path from 'node:path';
import { findRepoRoot } from '@secret-flows/cli';
import { containerArgv, imageConfig, parseDockerfile } from './images';

describe('how a container process is built from the image and the manifest', () => {
  it.each(['agent', 'wallet', 'cli'])(
    'starts the %s image as node running a file of the repository (/app), in /app',
    (app) => {
      const repoRoot = findRepoRoot();
      const image = imageConfig(
        `registry.example.invalid/secret-flows/${app}:0.1.0`,
        repoRoot,
      );
      expect(image.workdir).toBe('/app');
      expect(image.env['NODE_ENV']).toBe('production');
      const [node, script] = containerArgv(image, undefined, undefined);
      expect(node).toBe('node');
      expect(
        fs.existsSync(
          path.resolve(
            repoRoot,
            path.posix.relative('/app', path.posix.resolve('/app', script)),
          ),
        ),
      ).toBe(true);
    },
  );

  it('applies the Kubernetes command/args rules', () => {
    const image = { entrypoint: ['ep'], cmd: ['c1'], workdir: '/', env: {} };
    expect(containerArgv(image, undefined, undefined)).toEqual(['ep', 'c1']);
    expect(containerArgv(image, undefined, ['a'])).toEqual(['ep', 'a']);
    expect(containerArgv(image, ['cmd'], undefined)).toEqual(['cmd']);
    expect(containerArgv(image, ['cmd'], ['a'])).toEqual(['cmd', 'a']);
  });
});

describe('the one-Dockerfile layout (ARG APP)', () => {
  it('substitutes the build argument into ENV', () => {
    const text = [
      'FROM node AS build',
      'ARG APP',
      'FROM node',
      'ARG APP',
      'WORKDIR /app',
      'ENV NODE_ENV=production \\',
      '    SECRET_FLOWS_APP=${APP}',
      'ENTRYPOINT ["node", "/app/deploy/image/start.cjs"]',
    ].join('\n');
    expect(parseDockerfile(text, { APP: 'wallet' })).toEqual({
      entrypoint: ['node', '/app/deploy/image/start.cjs'],
      cmd: [],
      workdir: '/app',
      env: { NODE_ENV: 'production', SECRET_FLOWS_APP: 'wallet' },
    });
  });
});
