import { klodyProject } from '../../vitest.shared.js';

export default klodyProject('mcp');
