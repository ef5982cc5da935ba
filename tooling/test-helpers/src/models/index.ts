export { installedModel } from './installed-model.js';
