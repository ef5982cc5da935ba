export * from './chunker/index.js';
export * from './errors/index.js';
export * from './text/index.js';
