import { klodyProject } from '../../vitest.shared.js';

// The publishing check (verdaccio, npm install, a strict consumer) lives in tooling/release-test.
export default klodyProject('memory');
