/* eslint-disable */
const { readFileSync } = require('fs');

const swcJestConfig = JSON.parse(
  readFileSync(`${__dirname}/../../tools/spec.swcrc`, 'utf-8'),
);
swcJestConfig.swcrc = false;

// Real processes on loopback: one file at a time, generous per-test time (start-up is ~2-5 s).
module.exports = {
  displayName: '@secret-flows/platform-e2e',
  preset: '../../jest.preset.js',
  transform: { '^.+\\.[tj]s$': ['@swc/jest', swcJestConfig] },
  moduleFileExtensions: ['ts', 'js'],
  testTimeout: 60_000,
  maxWorkers: 1,
  coverageDirectory: 'test-output/jest/coverage',
};
