import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { argsOf, parseDockerfile } from './dockerfile';
import { K8S_DIR, REPO_ROOT, readYaml } from './manifests';
import { productionSources, runtimePackageImports } from './runtime-imports';

const IMAGES = [
  { app: 'agent', port: 8085 },
  { app: 'wallet', port: 8086 },
  { app: 'cli', port: undefined },
] as const;

// Node.js 22 (LTS) on Debian 12, pinned to a patch release; Node 20 reached end of life on
// 2026-04-30. The tag exists upstream (nodejs/docker-node, "bump Node.js version to ... 22.22.0").
const BASE_IMAGE = /^node:22\.\d+\.\d+-bookworm-slim$/;
const DOCKERFILE = path.join(REPO_ROOT, 'Dockerfile');

const text = fs.readFileSync(DOCKERFILE, 'utf8');
const stages = parseDockerfile(text);
const final = stages[stages.length - 1];
const stageNames = stages.map((stage) => stage.name).filter(Boolean);
/** The default of `ARG NODE_IMAGE=...` (declared before the first FROM). */
const nodeImage = /^ARG NODE_IMAGE=(\S+)$/m.exec(text)?.[1];
const resolveFrom = (from: string) =>
  from === '${NODE_IMAGE}' ? (nodeImage ?? from) : from;

describe('parseDockerfile', () => {
  it('joins continuation lines, drops comments and groups instructions by stage', () => {
    const parsed = parseDockerfile(
      '# c\nFROM node:20.1.0-bookworm-slim AS build\nRUN a \\\n  && b\nFROM node:20.1.0-bookworm-slim\nUSER 1\n',
    );
    expect(parsed).toEqual([
      {
        from: 'node:20.1.0-bookworm-slim',
        name: 'build',
        instructions: [{ keyword: 'RUN', args: 'a && b' }],
      },
      {
        from: 'node:20.1.0-bookworm-slim',
        name: undefined,
        instructions: [{ keyword: 'USER', args: '1' }],
      },
    ]);
  });
});

describe('the one Dockerfile (ARG APP)', () => {
  it('replaces the per-app Dockerfiles', () => {
    for (const { app } of IMAGES) {
      expect(
        fs.existsSync(path.join(REPO_ROOT, 'apps', app, 'Dockerfile')),
      ).toBe(false);
      expect(
        fs.existsSync(
          path.join(REPO_ROOT, 'apps', app, 'Dockerfile.dockerignore'),
        ),
      ).toBe(false);
    }
    expect(
      argsOf(stages.find((s) => s.name === 'build') ?? final, 'ARG'),
    ).toContain('APP');
    expect(argsOf(final, 'ARG')).toContain('APP');
  });

  it('is a multi-stage build on a pinned node 22 bookworm-slim image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(nodeImage).toMatch(BASE_IMAGE);
    for (const stage of stages)
      expect(resolveFrom(stage.from)).toMatch(
        stageNames.includes(stage.from) ? /.*/ : BASE_IMAGE,
      );
  });

  it('installs from the lockfile and keeps only production dependencies in the runtime stage', () => {
    const runs = stages.flatMap((stage) => argsOf(stage, 'RUN'));
    expect(runs.some((run) => /npm ci\b/.test(run))).toBe(true);
    expect(runs.some((run) => /npm install\b/.test(run))).toBe(false);
    const nodeModulesSource = argsOf(final, 'COPY').find((copy) =>
      copy.includes('node_modules'),
    );
    const sourceStage = stages.find((stage) =>
      nodeModulesSource?.includes(`--from=${stage.name as string}`),
    );
    expect(argsOf(sourceStage ?? final, 'RUN').join(' ')).toContain(
      'npm ci --omit=dev',
    );
    expect(argsOf(final, 'RUN')).toEqual([]);
  });

  it('has no tslib step: tslib is a production dependency, installed by npm ci --omit=dev', () => {
    const root = readYaml<{ dependencies?: Record<string, string> }>(
      path.join(REPO_ROOT, 'package.json'),
    );
    expect(Object.keys(root.dependencies ?? {})).toContain('tslib');
    expect(text).not.toMatch(/node_modules\/tslib/);
  });

  it('copies only build output into the runtime stage, never the build context', () => {
    for (const copy of argsOf(final, 'COPY'))
      expect(copy).toMatch(/^--from=\S+ /);
  });

  it('compiles the chosen app with its project references before packaging', () => {
    const build = stages.flatMap((stage) => argsOf(stage, 'RUN')).join('\n');
    expect(build).toContain('tsc -b "apps/${APP}/tsconfig.app.json"');
    for (const { app } of IMAGES) {
      expect(
        fs.existsSync(path.join(REPO_ROOT, 'apps', app, 'tsconfig.app.json')),
      ).toBe(true);
      expect(
        fs.existsSync(path.join(REPO_ROOT, 'apps', app, 'src', 'main.ts')),
      ).toBe(true);
    }
  });

  it('runs as the non-root uid the manifests expect', () => {
    expect(argsOf(final, 'USER')).toEqual(['10001:10001']);
  });

  it('starts apps/$APP/dist/main.js through deploy/image/start.cjs, which it copies', () => {
    expect(argsOf(final, 'ENTRYPOINT')).toEqual([
      '["node", "/app/deploy/image/start.cjs"]',
    ]);
    expect(argsOf(final, 'CMD')).toEqual([]);
    expect(argsOf(final, 'ENV').join(' ')).toContain('SECRET_FLOWS_APP=${APP}');
    expect(argsOf(final, 'COPY')).toContain(
      '--from=build /repo/deploy/image/start.cjs ./deploy/image/start.cjs',
    );
    expect(argsOf(final, 'ENV').join(' ')).toMatch(/HOST=0\.0\.0\.0/);
  });

  it('documents the build command of each app with the tag the manifests pin', () => {
    const base = readYaml<{ images: { name: string; newTag: string }[] }>(
      path.join(K8S_DIR, 'base', 'kustomization.yaml'),
    );
    for (const { app } of IMAGES) {
      const { version } = readYaml<{ version: string }>(
        path.join(REPO_ROOT, 'apps', app, 'package.json'),
      );
      expect(text).toMatch(
        new RegExp(
          `docker build --build-arg APP=${app} +-t secret-flows/${app}:${version.replaceAll('.', '\\.')} +\\.`,
        ),
      );
      expect(
        base.images.find((image) => image.name === `secret-flows/${app}`)
          ?.newTag,
      ).toBe(version);
    }
  });

  it('keeps dependencies, build output and local secrets out of the build context', () => {
    const ignore = fs
      .readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8')
      .split('\n');
    expect(ignore).toEqual(
      expect.arrayContaining([
        '**/node_modules',
        '**/dist',
        '.git',
        '.secret-flows',
        '**/*.pem',
      ]),
    );
    // What the build needs must stay in the context.
    for (const needed of ['deploy', 'apps', 'libs', 'package-lock.json'])
      expect(ignore).not.toContain(needed);
  });
});

describe('deploy/image/start.cjs, the image entry point', () => {
  const launcher = path.join(REPO_ROOT, 'deploy', 'image', 'start.cjs');

  function layout(): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'image-'));
    fs.mkdirSync(path.join(root, 'deploy', 'image'), { recursive: true });
    fs.copyFileSync(launcher, path.join(root, 'deploy', 'image', 'start.cjs'));
    fs.mkdirSync(path.join(root, 'apps', 'cli', 'dist'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'apps', 'cli', 'dist', 'main.js'),
      'process.stdout.write(JSON.stringify(process.argv.slice(2)));\n',
    );
    return root;
  }

  it("starts the image's app with the container's arguments", () => {
    const root = layout();
    const run = spawnSync(
      process.execPath,
      [path.join(root, 'deploy/image/start.cjs'), 'bootstrap', '--phase', '4'],
      { encoding: 'utf8', env: { SECRET_FLOWS_APP: 'cli' } },
    );
    fs.rmSync(root, { recursive: true, force: true });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(['bootstrap', '--phase', '4']);
  });

  it('refuses a missing or path-like app name', () => {
    const root = layout();
    for (const value of [undefined, '../cli', 'cli/../x']) {
      const run = spawnSync(
        process.execPath,
        [path.join(root, 'deploy/image/start.cjs')],
        {
          encoding: 'utf8',
          env: value === undefined ? {} : { SECRET_FLOWS_APP: value },
        },
      );
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('SECRET_FLOWS_APP must name an app');
    }
    fs.rmSync(root, { recursive: true, force: true });
  });
});

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
}

function projectDirOf(workspaceName: string): string {
  const folder = workspaceName.replace('@secret-flows/', '');
  const candidates = ['apps', 'libs'].map((root) =>
    path.join(REPO_ROOT, root, folder),
  );
  const found = candidates.find((dir) =>
    fs.existsSync(path.join(dir, 'package.json')),
  );
  if (!found) throw new Error(`no workspace project for ${workspaceName}`);
  return found;
}

/** The app and every workspace project it depends on at runtime, transitively. */
function runtimeProjects(app: string): string[] {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const pkg = readYaml<PackageJson>(
      path.join(projectDirOf(name), 'package.json'),
    );
    Object.keys(pkg.dependencies ?? {})
      .filter((dep) => dep.startsWith('@secret-flows/'))
      .forEach(visit);
  };
  visit(`@secret-flows/${app}`);
  return [...seen].map(projectDirOf);
}

describe.each(IMAGES)(
  'the runtime dependencies of the $app image',
  ({ app }) => {
    const root = readYaml<
      PackageJson & { devDependencies?: Record<string, string> }
    >(path.join(REPO_ROOT, 'package.json'));

    it('include every third-party package its code and workspace libraries import', () => {
      const missing = runtimeProjects(app).flatMap((dir) => {
        const own =
          readYaml<PackageJson>(path.join(dir, 'package.json')).dependencies ??
          {};
        return productionSources(dir).flatMap((file) =>
          [...runtimePackageImports(fs.readFileSync(file, 'utf8'))]
            .filter(
              (name) =>
                !name.startsWith('@secret-flows/') &&
                !(name in (root.dependencies ?? {})) &&
                !(name in own),
            )
            .map(
              (name) =>
                `${path.relative(REPO_ROOT, file)} imports ${name}, which npm ci --omit=dev leaves out`,
            ),
        );
      });
      expect(missing).toEqual([]);
    });

    it('include tslib, which the compiled code requires because of importHelpers', () => {
      const base = readYaml<{ compilerOptions: { importHelpers?: boolean } }>(
        path.join(REPO_ROOT, 'tsconfig.base.json'),
      );
      expect(
        base.compilerOptions.importHelpers !== true ||
          'tslib' in (root.dependencies ?? {}),
      ).toBe(true);
    });
  },
);

describe('runtimePackageImports', () => {
  it('finds value imports, side-effect imports and require calls, but not type-only or built-in imports', () => {
    const source = [
      "import express from 'express';",
      "import type { Foo } from 'type-only';",
      "import 'side-effect/register';",
      "import * as fs from 'node:fs';",
      "import { join } from 'path';",
      "const x = require('@scope/pkg/sub');",
      "import { y } from './local';",
    ].join('\n');
    expect([...runtimePackageImports(source)].sort()).toEqual([
      '@scope/pkg',
      'express',
      'side-effect',
    ]);
  });
});
