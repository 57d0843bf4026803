/**
 * Unit specs sit next to their source; integration and e2e specs live in test/. Plugins (plugins/*)
 * are not in these roots: each runs its own jest, as its outside author would (npm run test:plugins).
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 120000,
  maxWorkers: 2,
};
