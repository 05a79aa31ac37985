import nx from '@nx/eslint-plugin';

// Module boundaries are the architecture made lint-visible (docs/architecture.md):
// only the wallet, the CLI and vault-access libs may reach Vault code; the agent
// and everything tenant-facing may not. vault-dev is allowed as a dependency of the
// Vault-facing projects for their tests only (see the no-restricted-imports rule).
const VAULT_DEV_FOR_TESTS = 'scope:vault-dev';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/test-output', '**/node_modules', 'tools/**', '.secret-flows/**'],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.cts', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          // vault-dev is an app, and Nx forbids importing apps; tests of the Vault-facing
          // projects start it in-process on purpose. Runtime code may not (rule below).
          allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$', '@secret-flows/vault-dev'],
          depConstraints: [
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:vault', onlyDependOnLibsWithTags: ['scope:vault', 'scope:shared', VAULT_DEV_FOR_TESTS] },
            { sourceTag: 'scope:vault-dev', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:vault', 'scope:shared', VAULT_DEV_FOR_TESTS] },
            { sourceTag: 'scope:wallet', onlyDependOnLibsWithTags: ['scope:vault', 'scope:shared', VAULT_DEV_FOR_TESTS] },
            { sourceTag: 'scope:agent-vault', onlyDependOnLibsWithTags: ['scope:vault', 'scope:shared', VAULT_DEV_FOR_TESTS] },
            { sourceTag: 'scope:agent', onlyDependOnLibsWithTags: ['scope:shared', 'scope:agent-vault'] },
            { sourceTag: 'scope:gateway-dev', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
    },
  },
  {
    // vault-dev is a test dependency, never a runtime one.
    files: ['**/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.spec.ts', '**/test/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: '@secret-flows/vault-dev', message: 'vault-dev is for tests only.' }] }],
    },
  },
];

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
          allow: ['@secret-flows/cli', '@secret-flows/vault-dev', '@secret-flows/agent', '@secret-flows/wallet', '@secret-flows/gateway-dev'],
          depConstraints: [{ sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] }],
        },
      ],
    },
  },
];
