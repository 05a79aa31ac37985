import * as fs from 'node:fs';
import * as path from 'node:path';
import { argsOf, parseDockerfile } from './dockerfile';
import { K8S_DIR, REPO_ROOT, readYaml } from './manifests';
import { productionSources, runtimePackageImports } from './runtime-imports';

const IMAGES = [
  { app: 'agent', port: 8085 },
  { app: 'wallet', port: 8086 },
  { app: 'cli', port: undefined },
] as const;

// node 20 on Debian 12, pinned to a patch release: the runtime the project is built and tested on.
const BASE_IMAGE = /^node:20\.\d+\.\d+-bookworm-slim$/;

function dockerfile(app: string) {
  return parseDockerfile(
    fs.readFileSync(path.join(REPO_ROOT, 'apps', app, 'Dockerfile'), 'utf8'),
  );
}

describe('parseDockerfile', () => {
  it('joins continuation lines, drops comments and groups instructions by stage', () => {
    const stages = parseDockerfile(
      '# c\nFROM node:20.1.0-bookworm-slim AS build\nRUN a \\\n  && b\nFROM node:20.1.0-bookworm-slim\nUSER 1\n',
    );
    expect(stages).toEqual([
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

describe.each(IMAGES)('the $app image', ({ app, port }) => {
  const stages = dockerfile(app);
  const final = stages[stages.length - 1];
  const stageNames = stages.map((stage) => stage.name).filter(Boolean);

  it('is a multi-stage build on a pinned node 20 bookworm-slim image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    for (const stage of stages)
      expect(stage.from).toMatch(
        stageNames.includes(stage.from) ? /.*/ : BASE_IMAGE,
      );
    expect(final.from).toMatch(BASE_IMAGE);
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

  it('copies only build output into the runtime stage, never the build context', () => {
    for (const copy of argsOf(final, 'COPY'))
      expect(copy).toMatch(/^--from=\S+ /);
  });

  it('compiles this app with its project references before packaging', () => {
    const build = stages.flatMap((stage) => argsOf(stage, 'RUN')).join('\n');
    expect(build).toContain(`tsc -b apps/${app}/tsconfig.app.json`);
  });

  it('runs as the non-root uid the manifests expect', () => {
    expect(argsOf(final, 'USER')).toEqual(['10001:10001']);
  });

  it('starts the compiled main module of the app', () => {
    const start = [
      ...argsOf(final, 'ENTRYPOINT'),
      ...argsOf(final, 'CMD'),
    ].join(' ');
    expect(start).toMatch(
      new RegExp(`"node", "(/app/)?apps/${app}/dist/main\\.js"`),
    );
    expect(
      fs.existsSync(path.join(REPO_ROOT, 'apps', app, 'src', 'main.ts')),
    ).toBe(true);
  });

  it('documents a build command from the repository root with the tag the manifests pin', () => {
    const { version } = readYaml<{ version: string }>(
      path.join(REPO_ROOT, 'apps', app, 'package.json'),
    );
    const text = fs.readFileSync(
      path.join(REPO_ROOT, 'apps', app, 'Dockerfile'),
      'utf8',
    );
    expect(text).toContain(
      `docker build -f apps/${app}/Dockerfile -t secret-flows/${app}:${version} .`,
    );
    const base = readYaml<{ images: { name: string; newTag: string }[] }>(
      path.join(K8S_DIR, 'base', 'kustomization.yaml'),
    );
    expect(
      base.images.find((image) => image.name === `secret-flows/${app}`)?.newTag,
    ).toBe(version);
  });

  it('keeps dependencies, build output and local secrets out of the build context', () => {
    const ignore = fs
      .readFileSync(
        path.join(REPO_ROOT, 'apps', app, 'Dockerfile.dockerignore'),
        'utf8',
      )
      .split('\n');
    expect(ignore).toEqual(
      expect.arrayContaining([
        '**/node_modules',
        '**/dist',
        '.git',
        '.secret-flows',
      ]),
    );
  });

  if (port !== undefined) {
    it(`listens on ${port} on all interfaces, the port the Deployment probes`, () => {
      expect(argsOf(final, 'EXPOSE')).toEqual([String(port)]);
      expect(argsOf(final, 'ENV').join(' ')).toMatch(
        new RegExp(`HOST=0\\.0\\.0\\.0.*PORT=${port}`),
      );
    });
  }
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
      const text = fs.readFileSync(
        path.join(REPO_ROOT, 'apps', app, 'Dockerfile'),
        'utf8',
      );
      const isProvided =
        'tslib' in (root.dependencies ?? {}) ||
        text.includes('node_modules/tslib ./node_modules/tslib');
      expect(base.compilerOptions.importHelpers !== true || isProvided).toBe(
        true,
      );
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
