import { configDefaults } from 'vitest/config';
import { klodyProject } from '../../vitest.shared.js';

// The publish end-to-end test (e2e/) runs on its own: see vitest.e2e.config.ts.
export default klodyProject('memory', { exclude: [...configDefaults.exclude, 'e2e/**'] });
