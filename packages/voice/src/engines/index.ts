export * from './espeak-ng/index.js';
export * from './faster-whisper/index.js';
export * from './openai/index.js';
export * from './piper/index.js';
export * from './pocketsphinx/index.js';
export * from './silero-vad/index.js';
export * from './whisper-cpp/index.js';
