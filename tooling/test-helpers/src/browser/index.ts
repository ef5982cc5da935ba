export { chromiumOptions, chromiumPath } from './chromium.js';
export { screenshotPath } from './screenshot-path.js';
