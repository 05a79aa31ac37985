const nxPreset = require('@nx/jest/preset').default;

// Workspace libs resolve to their TypeScript sources in tests (the custom
// export condition in each lib's package.json), so no build is needed first.
module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  testEnvironmentOptions: {
    customExportConditions: [
      '@secret-flows/source',
      'node',
      'require',
      'default',
    ],
  },
};
