export { repositoryRoot, testDataDir, testDataPath } from './test-data.js';
