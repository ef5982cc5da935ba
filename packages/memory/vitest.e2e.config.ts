import { klodyProject } from '../../vitest.shared.js';

// The publish end-to-end test installs packages and compiles better-sqlite3: minutes, not seconds.
// It is kept out of the default project and run with `pnpm --filter @klody/memory test:e2e`.
export default klodyProject('memory-e2e', {
  include: ['e2e/**/*.e2e.test.ts'],
  testTimeout: 900_000,
  hookTimeout: 600_000,
});
