/**
 * Every failure the speech layer reports. Codes are stable, snake_case, and safe to show to users
 * and to map onto HTTP statuses (see `voiceErrorStatus`).
 */
export type VoiceErrorCode =
  /** The text to synthesise is empty or holds nothing speakable. */
  | 'empty_text'
  /** The text is longer than the engine or route accepts. */
  | 'text_too_long'
  /** The language is not one the engine knows. */
  | 'unknown_language'
  /** The voice is not one the engine knows. */
  | 'unknown_voice'
  /** The model requested from a server does not exist there. */
  | 'unknown_model'
  /** Bytes that are not a readable WAV file: not RIFF/WAVE, truncated, corrupt, 0 bytes. */
  | 'invalid_audio'
  /** A readable audio file that holds no samples. */
  | 'empty_audio'
  /** A WAV encoding we do not decode (e.g. compressed formats). */
  | 'unsupported_audio'
  /** Silence has no loudness: normalizing it is meaningless. */
  | 'silent_audio'
  /** Options out of range (negative rate, NaN, unknown format…). */
  | 'invalid_options'
  /** Expected phrases that the recogniser cannot use (a word missing from its dictionary…). */
  | 'invalid_phrases'
  /** The engine is not installed or not configured: a binary, a model file, an optional package. */
  | 'engine_unavailable'
  /** The engine ran and failed. */
  | 'engine_failed'
  /** A remote engine answered an error or could not be reached. */
  | 'remote_error'
  /** The operation was cancelled through its AbortSignal. */
  | 'aborted';

const voiceErrorBrand = Symbol.for('@klody/voice/VoiceError');

export interface VoiceErrorOptions {
  cause?: unknown;
  /** Extra facts for logs and JSON answers (e.g. the available voices). */
  details?: Record<string, unknown>;
}

/** The one error class of `@klody/voice`. Check with `VoiceError.isInstance`, which works across copies. */
export class VoiceError extends Error {
  readonly code: VoiceErrorCode;
  readonly details: Record<string, unknown>;
  readonly [voiceErrorBrand] = true;

  constructor(code: VoiceErrorCode, message: string, options: VoiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VoiceError';
    this.code = code;
    this.details = options.details ?? {};
  }

  static isInstance(value: unknown): value is VoiceError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[voiceErrorBrand] === true
    );
  }

  toJSON(): { code: VoiceErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** The HTTP status that fits each code (CONTRACTS.md: 400 bad input, 404 unknown, 503 not ready…). */
export function voiceErrorStatus(code: VoiceErrorCode): 400 | 404 | 413 | 422 | 499 | 500 | 502 | 503 {
  switch (code) {
    case 'empty_text':
    case 'unknown_language':
    case 'unknown_voice':
    case 'invalid_audio':
    case 'empty_audio':
    case 'unsupported_audio':
    case 'invalid_options':
    case 'invalid_phrases':
      return 400;
    case 'silent_audio':
      return 422;
    case 'text_too_long':
      return 413;
    case 'unknown_model':
      return 404;
    case 'engine_unavailable':
      return 503;
    case 'remote_error':
      return 502;
    case 'aborted':
      return 499;
    case 'engine_failed':
      return 500;
  }
}

/** Throws `aborted` when the signal has fired, so long loops stop between segments. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw new VoiceError('aborted', 'the operation was cancelled', { cause: signal.reason });
}
