import { defineConfig } from 'vitest/config';
import { SummaryLineReporter } from './tooling/test-helpers/src/reporter/index.js';
import { rootResolution } from './vitest.shared.js';

// One root configuration: every package, app and tool with a vitest.config.ts is a project.
export default defineConfig({
  ...rootResolution,
  test: {
    reporters: ['default', new SummaryLineReporter()],
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'tooling/*/vitest.config.ts'],
  },
});
