/**
 * The lint rules of the root eslint.config.mjs bite: for every module-boundary constraint one
 * forbidden import, linted through ESLint's Node API as if it were a file of the importing
 * project, must be reported; a floating promise must be reported. A rule that silently stops
 * applying (an `allow` entry, a shared tag, a missing project graph) fails here.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../../..');

interface Fixture {
  file: string;
  code: string;
  typed?: boolean;
}
interface Message {
  ruleId: string | null;
  severity: number;
  fatal?: boolean;
  message: string;
}

// ESLint loads eslint.config.mjs with a dynamic import, which Jest's module system refuses, so the
// fixtures are linted by one child Node process through ESLint's Node API (lintText: nothing is
// written to disk). Boundary fixtures are linted without type information (the rule needs none,
// and no tsconfig includes paths that do not exist); the floating-promise fixture gets TypeScript's
// default project. The Nx rule reads the cached project graph and skips itself without one, so
// the child computes it first.
const LINT_SCRIPT = `
import { ESLint } from 'eslint';
import { createProjectGraphAsync } from '@nx/devkit';
import { join } from 'node:path';
const fixtures = JSON.parse(process.argv[1]);
await createProjectGraphAsync({ exitOnError: false });
const untyped = {
  languageOptions: { parserOptions: { projectService: false } },
  rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
};
const out = [];
for (const f of fixtures) {
  const overrideConfig = f.typed
    ? { languageOptions: { parserOptions: { projectService: { allowDefaultProject: [f.file] }, tsconfigRootDir: process.cwd() } } }
    : untyped;
  const [result] = await new ESLint({ cwd: process.cwd(), overrideConfig }).lintText(f.code, { filePath: join(process.cwd(), f.file) });
  out.push(result.messages.map(({ ruleId, severity, fatal, message }) => ({ ruleId, severity, fatal, message })));
}
process.stdout.write('\\n@@RESULT@@' + JSON.stringify(out));
`;

function lintAll(fixtures: Fixture[]): Message[][] {
  const stdout = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', LINT_SCRIPT, JSON.stringify(fixtures)],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return JSON.parse(
    stdout.slice(stdout.lastIndexOf('@@RESULT@@') + '@@RESULT@@'.length),
  ) as Message[][];
}

const importOf = (pkg: string) =>
  `import * as m from '${pkg}';\nexport const x = m;\n`;

// [constraint, importing file, forbidden import]
const forbidden: Array<[string, string, string]> = [
  [
    'scope:shared -> scope:shared only',
    'libs/auth/src/__fixture.ts',
    '@secret-flows/vault-client',
  ],
  [
    'scope:vault -> no scope:agent-vault',
    'libs/wallet-core/src/__fixture.ts',
    '@secret-flows/agent-vault-backend',
  ],
  [
    'scope:vault-dev -> scope:shared only',
    'apps/vault-dev/src/__fixture.ts',
    '@secret-flows/vault-client',
  ],
  [
    'scope:cli -> no scope:agent-vault',
    'apps/cli/src/__fixture.ts',
    '@secret-flows/agent-vault-backend',
  ],
  [
    'scope:wallet -> no scope:agent-vault',
    'apps/wallet/src/__fixture.ts',
    '@secret-flows/agent-vault-backend',
  ],
  [
    'scope:agent-vault -> no app',
    'libs/agent-vault-backend/src/__fixture.ts',
    '@secret-flows/agent',
  ],
  [
    'scope:agent -> no scope:vault',
    'apps/agent/src/__fixture.ts',
    '@secret-flows/vault-client',
  ],
  [
    'scope:gateway-dev -> scope:shared only',
    'apps/gateway-dev/src/__fixture.ts',
    '@secret-flows/wallet-core',
  ],
  // While wallet-core imports vault-client, Nx reports this one as a circular dependency before it
  // reaches the tags; the lib:* constraint keeps it forbidden if that dependency ever goes away.
  [
    'lib:vault-client -> never lib:wallet-core',
    'libs/vault-client/src/__fixture.ts',
    '@secret-flows/wallet-core',
  ],
  [
    'lib:contracts -> never lib:telemetry',
    'libs/contracts/src/__fixture.ts',
    '@secret-flows/telemetry',
  ],
  [
    'vault-dev is an app: not even a test of the agent may import it',
    'apps/agent/test/__fixture.test.ts',
    '@secret-flows/vault-dev',
  ],
];
const allowed: Fixture = {
  file: 'libs/wallet-core/src/__fixture.ts',
  code: importOf('@secret-flows/vault-client'),
};
const runtimeVaultDev: Fixture = {
  file: 'libs/wallet-core/src/__fixture.ts',
  code: importOf('@secret-flows/vault-dev'),
};
const floating: Fixture = {
  file: 'apps/deploy-tests/src/__floating-fixture.ts',
  code: 'async function work(): Promise<number> {\n  return 1;\n}\nexport function caller(): void {\n  work();\n}\n',
  typed: true,
};

let results: Message[][] = [];
beforeAll(() => {
  results = lintAll([
    ...forbidden.map(([, file, pkg]) => ({ file, code: importOf(pkg) })),
    allowed,
    runtimeVaultDev,
    floating,
  ]);
}, 180_000);
const resultOf = (index: number) => results[index];
const boundaryErrors = (messages: Message[]) =>
  messages.filter(
    (m) => m.ruleId === '@nx/enforce-module-boundaries' && m.severity === 2,
  );

describe('module boundaries (eslint.config.mjs depConstraints)', () => {
  it.each(forbidden.map((f, i) => [...f, i] as const))(
    '%s: %s importing %s is an error',
    (_constraint, _file, _pkg, index) => {
      expect(boundaryErrors(resultOf(index))).toHaveLength(1);
    },
  );

  it('an allowed import passes (wallet-core -> vault-client): the fixtures fail for the import, not the file', () => {
    const messages = resultOf(forbidden.length);
    expect(
      messages.filter(
        (m) => m.fatal || m.ruleId === '@nx/enforce-module-boundaries',
      ),
    ).toEqual([]);
  });

  it('runtime code may not import vault-dev (no-restricted-imports)', () => {
    expect(resultOf(forbidden.length + 1).map((m) => m.ruleId)).toContain(
      'no-restricted-imports',
    );
  });
});

describe('type-aware lint', () => {
  it('reports a floating promise', () => {
    const messages = resultOf(forbidden.length + 2);
    expect(messages.filter((m) => m.fatal)).toEqual([]);
    expect(
      messages.filter(
        (m) => m.ruleId === '@typescript-eslint/no-floating-promises',
      ),
    ).toHaveLength(1);
  });
});
