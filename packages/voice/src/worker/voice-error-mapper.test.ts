import { ServiceError } from '@klody/service';
import { describe, expect, it } from 'vitest';
import { VoiceError, type VoiceErrorCode } from '../errors/index.js';
import { voiceErrorToServiceError } from './voice-error-mapper.js';

// Every VoiceError code, so that a code added without a status here fails.
const expected: Record<VoiceErrorCode, number> = {
  empty_text: 400,
  unknown_language: 400,
  unknown_voice: 400,
  invalid_audio: 400,
  empty_audio: 400,
  unsupported_audio: 400,
  invalid_options: 400,
  invalid_phrases: 400,
  silent_audio: 422,
  text_too_long: 413,
  unknown_model: 404,
  engine_unavailable: 503,
  remote_error: 502,
  aborted: 400,
  engine_failed: 500,
};

describe('voiceErrorToServiceError', () => {
  for (const [code, status] of Object.entries(expected)) {
    it(`answers VoiceError ${code} with ${status} and its own code`, () => {
      const mapped = voiceErrorToServiceError(new VoiceError(code as VoiceErrorCode, 'what happened'));
      expect(ServiceError.isInstance(mapped)).toBe(true);
      expect([mapped?.code, mapped?.status, mapped?.message]).toEqual([code, status, 'what happened']);
    });
  }

  it('leaves every other error to the service kit', () => {
    expect(voiceErrorToServiceError(new TypeError('a bug'))).toBeNull();
    expect(voiceErrorToServiceError({ code: 'unknown_model', message: 'not a VoiceError' })).toBeNull();
  });
});
