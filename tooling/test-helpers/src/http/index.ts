export { type WaitForHttpOptions, waitForHttp } from './wait-for-http.js';
