// Builds the publishable package of @secret-flows/client into libs/client/dist/package (or the
// directory given as the first argument): one ESM and one CJS bundle for Node 20+ and browsers
// (platform-neutral, so a Node built-in cannot slip in), with @secret-flows/contracts inlined
// (it is private) and zod as the one dependency; the .d.ts files of the client and of the
// contracts it re-exports, the contracts import rewritten to the copied declarations.
//   node libs/client/scripts/bundle.mjs [OUT_DIR]
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repo = path.resolve(root, '../..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'dist/package'));
const own = JSON.parse(
  fs.readFileSync(path.join(root, 'package.json'), 'utf8'),
);
const zodRange = JSON.parse(
  fs.readFileSync(path.join(repo, 'package.json'), 'utf8'),
).dependencies.zod;

const tsc = (...args) =>
  execFileSync(
    process.execPath,
    [path.join(repo, 'node_modules/typescript/bin/tsc'), ...args],
    { stdio: 'inherit' },
  );
// The contracts' declarations come from their build (an Nx dependency of this target).
if (!fs.existsSync(path.join(repo, 'libs/contracts/dist/index.d.ts')))
  tsc('-b', path.join(repo, 'libs/contracts/tsconfig.lib.json'));

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

// The client's declarations straight into the package: never into dist/, which a parallel build may be writing.
tsc(
  '-p',
  path.join(root, 'tsconfig.lib.json'),
  '--emitDeclarationOnly',
  '--declarationMap',
  'false',
  '--outDir',
  path.join(out, 'types'),
  '--tsBuildInfoFile',
  path.join(out, 'types.tsbuildinfo'),
);
fs.rmSync(path.join(out, 'types.tsbuildinfo'), { force: true });

const common = {
  entryPoints: [path.join(root, 'src/index.ts')],
  bundle: true,
  platform: 'neutral',
  target: 'es2022',
  conditions: ['@secret-flows/source'],
  mainFields: ['module', 'main'],
  external: ['zod'],
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
};
await build({ ...common, format: 'esm', outfile: path.join(out, 'index.mjs') });
await build({ ...common, format: 'cjs', outfile: path.join(out, 'index.cjs') });

copyDeclarations(
  path.join(repo, 'libs/contracts/dist'),
  path.join(out, 'types/contracts'),
);
for (const file of walk(path.join(out, 'types'))) {
  if (file.includes(`${path.sep}contracts${path.sep}`)) continue;
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(
    file,
    text.replace(/(['"])@secret-flows\/contracts\1/g, '$1./contracts/index$1'),
  );
}

const pkg = {
  name: own.name,
  version: own.version,
  description: own.description,
  license: own.license,
  main: './index.cjs',
  module: './index.mjs',
  types: './types/index.d.ts',
  exports: {
    '.': {
      types: './types/index.d.ts',
      import: './index.mjs',
      require: './index.cjs',
    },
    './package.json': './package.json',
  },
  sideEffects: false,
  engines: { node: '>=20' },
  dependencies: { zod: zodRange },
};
fs.writeFileSync(
  path.join(out, 'package.json'),
  `${JSON.stringify(pkg, null, 2)}\n`,
);
fs.copyFileSync(path.join(root, 'README.md'), path.join(out, 'README.md'));
console.log(
  `@secret-flows/client ${own.version} packaged in ${path.relative(process.cwd(), out) || '.'}`,
);

function copyDeclarations(from, to) {
  for (const file of walk(from)) {
    if (!file.endsWith('.d.ts')) continue;
    const target = path.join(to, path.relative(from, file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(file, target);
  }
}

function* walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'package') yield* walk(full);
    } else {
      yield full;
    }
  }
}
