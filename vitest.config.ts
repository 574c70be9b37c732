import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// Node resolves `graphql` to its CommonJS entry; Vite's resolver prefers the package's `module`
// field (index.mjs). A library the test runner inlines (graphql-ws's server) would then build
// schemas from a second graphql ("Cannot use GraphQLSchema from another module or realm").
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');

/**
 * One test run for the whole repository. The global setup starts one PostgreSQL (embedded, or
 * DATABASE_URL's server) and a migrated template; each test file gets its own database from it.
 */
export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  test: {
    globalSetup: ['./tests/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['api/src/**/*.test.ts'], exclude: ['api/src/**/*.db.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'db', include: ['api/src/**/*.db.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'browser', include: ['tests/browser/**/*.test.ts'], fileParallelism: false, testTimeout: 60_000 },
      },
    ],
  },
});
