import nx from '@nx/eslint-plugin';

// Module boundaries are the architecture made lint-visible (docs/architecture.md): only the
// wallet, the CLI and vault-access libs may reach Vault code; the agent and everything
// tenant-facing may not. vault-dev is an app, so the Nx rule refuses any import of it (it checks
// "imports of apps" before tags); the projects whose tests start it in process opt in, for their
// test files only, with `vaultDevInTests` below. Fixtures proving each rule bites:
// apps/deploy-tests/src/lint-rules.test.ts.
const rootConfig = [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: [
      '**/dist',
      '**/out-tsc',
      '**/test-output',
      '**/node_modules',
      'tools/**',
      '.secret-flows/**',
    ],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.cts', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
          depConstraints: [
            {
              sourceTag: 'scope:shared',
              onlyDependOnLibsWithTags: ['scope:shared'],
            },
            {
              sourceTag: 'scope:vault',
              onlyDependOnLibsWithTags: ['scope:vault', 'scope:shared'],
            },
            {
              sourceTag: 'scope:vault-dev',
              onlyDependOnLibsWithTags: ['scope:shared'],
            },
            {
              sourceTag: 'scope:cli',
              onlyDependOnLibsWithTags: ['scope:vault', 'scope:shared'],
            },
            {
              sourceTag: 'scope:wallet',
              onlyDependOnLibsWithTags: ['scope:vault', 'scope:shared'],
            },
            {
              sourceTag: 'scope:agent-vault',
              onlyDependOnLibsWithTags: ['scope:vault', 'scope:shared'],
            },
            {
              sourceTag: 'scope:agent',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:agent-vault'],
            },
            {
              sourceTag: 'scope:gateway-dev',
              onlyDependOnLibsWithTags: ['scope:shared'],
            },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
            // Two "nevers" inside a shared scope: the Vault client knows nothing of the wallet's
            // domain, and the contracts (zod schemas shared with clients) carry no telemetry.
            {
              sourceTag: 'lib:vault-client',
              notDependOnLibsWithTags: ['lib:wallet-core'],
            },
            {
              sourceTag: 'lib:contracts',
              notDependOnLibsWithTags: ['lib:telemetry'],
            },
          ],
        },
      ],
    },
  },
  {
    // Type-aware rules: a promise nobody awaits or catches loses its rejection. Each file is
    // typed by the tsconfig that includes it (tsconfig.app/lib/spec.json, found through the
    // project's solution-style tsconfig.json by the TypeScript project service).
    files: ['**/*.ts', '**/*.cts', '**/*.mts'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // vault-dev is a test dependency, never a runtime one.
    files: ['**/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.spec.ts', '**/test/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@secret-flows/vault-dev',
              message: 'vault-dev is for tests only.',
            },
          ],
        },
      ],
    },
  },
];

export default rootConfig;

/**
 * For the eslint.config.mjs of the Vault-facing projects (scope:vault, scope:cli, scope:wallet,
 * scope:agent-vault) whose tests start vault-dev in process (port 0): their test files, and only
 * those, may import it. Every other file of every project still gets "Imports of apps are
 * forbidden" for vault-dev. (Flat-config globs are relative to the project's own config file.)
 */
export const vaultDevInTests = (() => {
  const boundaries = rootConfig.find(
    (entry) => entry.rules?.['@nx/enforce-module-boundaries'],
  );
  const [level, options] = boundaries.rules['@nx/enforce-module-boundaries'];
  return [
    {
      files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.test.ts'],
      rules: {
        '@nx/enforce-module-boundaries': [
          level,
          { ...options, allow: [...options.allow, '@secret-flows/vault-dev'] },
        ],
      },
    },
  ];
})();

/**
 * For the eslint.config.mjs of end-to-end projects (type:e2e): they drive the whole platform
 * through the launcher in apps/cli and the services, which are apps; importing them is their
 * purpose. (Flat-config globs are relative to the project's own config file, hence an export.)
 */
export const e2eProjectOverrides = [
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [
            '@secret-flows/cli',
            '@secret-flows/vault-dev',
            '@secret-flows/agent',
            '@secret-flows/wallet',
            '@secret-flows/gateway-dev',
          ],
          depConstraints: [
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
    },
  },
];
