export { Mutex } from './mutex.js';
export { Semaphore } from './semaphore.js';
