import * as fs from 'node:fs';
import * as path from 'node:path';
import { findRepoRoot } from '@secret-flows/cli';
import { containerArgv, parseDockerfile } from './images';

describe('how a container process is built from the image and the manifest', () => {
  it("reads our Dockerfiles' last stage: exec-form ENTRYPOINT/CMD, WORKDIR, ENV with continuations", () => {
    const cli = parseDockerfile(fs.readFileSync(path.join(findRepoRoot(), 'apps/cli/Dockerfile'), 'utf8'));
    expect(cli).toMatchObject({ entrypoint: ['node', '/app/apps/cli/dist/main.js'], cmd: ['--help'], workdir: '/app', env: { NODE_ENV: 'production' } });
    const agent = parseDockerfile(fs.readFileSync(path.join(findRepoRoot(), 'apps/agent/Dockerfile'), 'utf8'));
    expect(agent).toMatchObject({ entrypoint: [], cmd: ['node', 'apps/agent/dist/main.js'], workdir: '/app', env: { NODE_ENV: 'production', HOST: '0.0.0.0', PORT: '8085' } });
  });

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
    const text = ['FROM node AS build', 'ARG APP', 'FROM node', 'ARG APP', 'WORKDIR /app', 'ENV NODE_ENV=production \\', '    SECRET_FLOWS_APP=${APP}', 'ENTRYPOINT ["node", "/app/deploy/image/start.cjs"]'].join('\n');
    expect(parseDockerfile(text, { APP: 'wallet' })).toEqual({ entrypoint: ['node', '/app/deploy/image/start.cjs'], cmd: [], workdir: '/app', env: { NODE_ENV: 'production', SECRET_FLOWS_APP: 'wallet' } });
  });
});
