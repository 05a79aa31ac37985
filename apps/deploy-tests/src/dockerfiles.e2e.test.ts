import * as fs from 'node:fs';
import * as path from 'node:path';
import { argsOf, parseDockerfile } from './dockerfile';
import { K8S_DIR, REPO_ROOT, readYaml } from './manifests';

const IMAGES = [
  { app: 'agent', port: 8085 },
  { app: 'wallet', port: 8086 },
  { app: 'cli', port: undefined },
] as const;

// node 20 on Debian 12, pinned to a patch release: the runtime the project is built and tested on.
const BASE_IMAGE = /^node:20\.\d+\.\d+-bookworm-slim$/;

function dockerfile(app: string) {
  return parseDockerfile(fs.readFileSync(path.join(REPO_ROOT, 'apps', app, 'Dockerfile'), 'utf8'));
}

describe('parseDockerfile', () => {
  it('joins continuation lines, drops comments and groups instructions by stage', () => {
    const stages = parseDockerfile('# c\nFROM node:20.1.0-bookworm-slim AS build\nRUN a \\\n  && b\nFROM node:20.1.0-bookworm-slim\nUSER 1\n');
    expect(stages).toEqual([
      { from: 'node:20.1.0-bookworm-slim', name: 'build', instructions: [{ keyword: 'RUN', args: 'a && b' }] },
      { from: 'node:20.1.0-bookworm-slim', name: undefined, instructions: [{ keyword: 'USER', args: '1' }] },
    ]);
  });
});

describe.each(IMAGES)('the $app image', ({ app, port }) => {
  const stages = dockerfile(app);
  const final = stages[stages.length - 1];
  const stageNames = stages.map((stage) => stage.name).filter(Boolean);

  it('is a multi-stage build on a pinned node 20 bookworm-slim image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    for (const stage of stages) expect(stage.from).toMatch(stageNames.includes(stage.from) ? /.*/ : BASE_IMAGE);
    expect(final.from).toMatch(BASE_IMAGE);
  });

  it('installs from the lockfile and keeps only production dependencies in the runtime stage', () => {
    const runs = stages.flatMap((stage) => argsOf(stage, 'RUN'));
    expect(runs.some((run) => /npm ci\b/.test(run))).toBe(true);
    expect(runs.some((run) => /npm install\b/.test(run))).toBe(false);
    const nodeModulesSource = argsOf(final, 'COPY').find((copy) => copy.includes('node_modules'));
    const sourceStage = stages.find((stage) => nodeModulesSource?.includes(`--from=${stage.name as string}`));
    expect(argsOf(sourceStage ?? final, 'RUN').join(' ')).toContain('npm ci --omit=dev');
    expect(argsOf(final, 'RUN')).toEqual([]);
  });

  it('copies only build output into the runtime stage, never the build context', () => {
    for (const copy of argsOf(final, 'COPY')) expect(copy).toMatch(/^--from=\S+ /);
  });

  it('compiles this app with its project references before packaging', () => {
    const build = stages.flatMap((stage) => argsOf(stage, 'RUN')).join('\n');
    expect(build).toContain(`tsc -b apps/${app}/tsconfig.app.json`);
  });

  it('runs as the non-root uid the manifests expect', () => {
    expect(argsOf(final, 'USER')).toEqual(['10001:10001']);
  });

  it('starts the compiled main module of the app', () => {
    const start = [...argsOf(final, 'ENTRYPOINT'), ...argsOf(final, 'CMD')].join(' ');
    expect(start).toMatch(new RegExp(`"node", "(/app/)?apps/${app}/dist/main\\.js"`));
    expect(fs.existsSync(path.join(REPO_ROOT, 'apps', app, 'src', 'main.ts'))).toBe(true);
  });

  it('documents a build command from the repository root with the tag the manifests pin', () => {
    const { version } = readYaml<{ version: string }>(path.join(REPO_ROOT, 'apps', app, 'package.json'));
    const text = fs.readFileSync(path.join(REPO_ROOT, 'apps', app, 'Dockerfile'), 'utf8');
    expect(text).toContain(`docker build -f apps/${app}/Dockerfile -t secret-flows/${app}:${version} .`);
    const base = readYaml<{ images: { name: string; newTag: string }[] }>(path.join(K8S_DIR, 'base', 'kustomization.yaml'));
    expect(base.images.find((image) => image.name === `secret-flows/${app}`)?.newTag).toBe(version);
  });

  it('keeps dependencies, build output and local secrets out of the build context', () => {
    const ignore = fs.readFileSync(path.join(REPO_ROOT, 'apps', app, 'Dockerfile.dockerignore'), 'utf8').split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git', '.secret-flows']));
  });

  if (port !== undefined) {
    it(`listens on ${port} on all interfaces, the port the Deployment probes`, () => {
      expect(argsOf(final, 'EXPOSE')).toEqual([String(port)]);
      expect(argsOf(final, 'ENV').join(' ')).toMatch(new RegExp(`HOST=0\\.0\\.0\\.0.*PORT=${port}`));
    });
  }
});
