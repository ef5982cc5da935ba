export * from './audio/index.js';
export * from './engines/index.js';
export * from './errors/index.js';
export * from './language/index.js';
export * from './process/index.js';
export type * from './speech-to-text/index.js';
export * from './text/index.js';
export * from './text-to-speech/index.js';
export type * from './voice-activity/index.js';
