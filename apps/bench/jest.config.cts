const { readFileSync } = require('fs');

const swcJestConfig = JSON.parse(
  readFileSync(`${__dirname}/../../tools/spec.swcrc`, 'utf-8'),
);
swcJestConfig.swcrc = false;

// Unit tests of the benchmark's pure parts (arguments, metrics text, report); the benchmark
// itself is a program (`npm run bench`), not a test.
module.exports = {
  displayName: '@secret-flows/bench',
  preset: '../../jest.preset.js',
  transform: { '^.+\\.[tj]s$': ['@swc/jest', swcJestConfig] },
  moduleFileExtensions: ['ts', 'js'],
  coverageDirectory: 'test-output/jest/coverage',
};
