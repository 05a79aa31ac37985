const { readFileSync } = require('fs');

const swcJestConfig = JSON.parse(
  readFileSync(`${__dirname}/../../tools/spec.swcrc`, 'utf-8'),
);
swcJestConfig.swcrc = false;

// Consumer-driven contract tests of the agent -> wallet calls (Pact). They write
// pacts/agent-wallet.json at the repository root, which the wallet's provider verification reads,
// so they run on their own (in band: one process merges every interaction into one file).
module.exports = {
  displayName: '@secret-flows/agent:pact',
  preset: '../../jest.preset.js',
  transform: { '^.+\\.[tj]s$': ['@swc/jest', swcJestConfig] },
  moduleFileExtensions: ['ts', 'js'],
  testMatch: ['<rootDir>/test/pact/**/*.pact.test.ts'],
  globalSetup: '<rootDir>/test/pact/pact-global-setup.cjs',
  testTimeout: 30000,
};
