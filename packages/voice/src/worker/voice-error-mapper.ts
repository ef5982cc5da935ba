import { ServiceError } from '@klody/service';
import { VoiceError, voiceErrorStatus } from '../errors/index.js';

/**
 * The worker's `mapError` for @klody/service: each VoiceError code answers the status of
 * `voiceErrorStatus`. `aborted` (499, the client went away) answers 400: nobody reads it, and 499 is
 * no status a client library knows.
 */
export function voiceErrorToServiceError(error: unknown): ServiceError | null {
  if (!VoiceError.isInstance(error)) return null;
  const status = voiceErrorStatus(error.code);
  return new ServiceError(error.code, status === 499 ? 400 : status, error.message, { cause: error });
}
