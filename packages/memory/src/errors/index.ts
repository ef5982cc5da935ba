export { MemoryError, type MemoryErrorCode, throwIfAborted } from './memory-error.js';
