import { VoiceError } from '../errors/index.js';

/** Throws `invalid_options` unless `value` is absent or a probability (0–1). */
export function checkProbability(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isFinite(value) || value < 0 || value > 1)) {
    throw new VoiceError('invalid_options', `${name} must be between 0 and 1, got ${value}`);
  }
}

/** Throws `invalid_options` unless `value` is absent or a duration in milliseconds ≥ 0. */
export function checkDuration(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
    throw new VoiceError('invalid_options', `${name} must be a number of milliseconds ≥ 0, got ${value}`);
  }
}
