export { timeLimit } from './time-limit.js';
