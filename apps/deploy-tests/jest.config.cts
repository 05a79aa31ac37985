const { readFileSync } = require('fs');

const swcJestConfig = JSON.parse(
  readFileSync(`${__dirname}/../../tools/spec.swcrc`, 'utf-8'),
);
swcJestConfig.swcrc = false;

module.exports = {
  displayName: '@secret-flows/deploy-tests',
  preset: '../../jest.preset.js',
  transform: { '^.+\\.[tj]s$': ['@swc/jest', swcJestConfig] },
  moduleFileExtensions: ['ts', 'js'],
  coverageDirectory: 'test-output/jest/coverage',
  // kubectl kustomize runs once per overlay in beforeAll; 30 s covers a cold, busy two-core machine.
  testTimeout: 30000,
};
