const { readFileSync } = require('fs');

const swcJestConfig = JSON.parse(
  readFileSync(`${__dirname}/../../tools/spec.swcrc`, 'utf-8'),
);
swcJestConfig.swcrc = false;

// Real processes on loopback, one overlay at a time. The per-test limit covers a whole overlay
// start on a loaded two-core machine; the run itself has its own deadlines (support/cluster.ts).
module.exports = {
  displayName: '@secret-flows/k8s-e2e',
  preset: '../../jest.preset.js',
  transform: { '^.+\\.[tj]s$': ['@swc/jest', swcJestConfig] },
  moduleFileExtensions: ['ts', 'js'],
  testTimeout: 150_000,
  maxWorkers: 1,
  coverageDirectory: 'test-output/jest/coverage',
};
