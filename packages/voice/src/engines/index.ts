export * from './espeak-ng/index.js';
export * from './pocketsphinx/index.js';
export * from './silero-vad/index.js';
