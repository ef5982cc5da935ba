export { endlessBody, type RawAnswer, type RawRequest, rawRequest } from './raw-request.js';
