/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/schematics'],
  testMatch: ['**/*.spec.ts', '**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/files/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json', diagnostics: false }],
  },
  moduleNameMapper: {
    '^acton-ts$': '<rootDir>/lib/index.ts',
    '^acton-ts/client$': '<rootDir>/lib/client/index.ts',
    '^acton-ts/testing$': '<rootDir>/lib/testing/index.ts',
    '^acton-ts/nestjs$': '<rootDir>/lib/nestjs/index.ts',
    '^acton-ts/cluster$': '<rootDir>/lib/cluster/index.ts',
    '^acton-ts/observability$': '<rootDir>/lib/observability/index.ts',
  },
  testTimeout: 20000,
};
