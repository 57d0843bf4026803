/**
 * Unit specs sit next to their source (the server's and the packages'); integration and e2e specs
 * live in test/. The provider SDK is read from its source, so no build is needed before jest.
 * Plugins (plugins/*) are not in these roots: each runs its own jest, as its outside author would
 * (npm run test:plugins).
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test', '<rootDir>/packages'],
  moduleNameMapper: { '^@flexstorage/provider-sdk$': '<rootDir>/packages/provider-sdk/src/index.ts' },
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 120000,
  maxWorkers: 2,
};
