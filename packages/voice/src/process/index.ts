export { findExecutable, type ProcessResult, type RunProcessOptions, runProcess } from './run-process.js';
