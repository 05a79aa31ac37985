import baseConfig from '../../eslint.config.mjs';

// vault-dev is an app, and the root rule forbids importing apps; this lib's tests start it in
// process (startVaultDev on port 0), so test files alone may import it. Source files stay bound by
// the root rule (and by its no-restricted-imports of vault-dev).
const boundaries = baseConfig.find((entry) => entry.rules?.['@nx/enforce-module-boundaries']);
const [level, options] = boundaries.rules['@nx/enforce-module-boundaries'];

export default [
  ...baseConfig,
  {
    files: ['test/**/*.ts', '**/*.test.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [level, { ...options, allow: [...(options.allow ?? []), '@secret-flows/vault-dev'] }],
    },
  },
];
