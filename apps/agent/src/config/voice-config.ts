import { optionalText, readEnvironment } from '@klody/service';
import { z } from 'zod';
import type { DuplexMode } from '../voice/voice-protocol.js';

/** The voice loop's settings (`/voice`, `agent talk`). */
export interface VoiceConfig {
  /**
   * `KLODY_VAD_MODEL`: Silero VAD's `silero_vad.onnx`; null lets @klody/voice look where it installs it
   * (`$KLODY_HOME/voice/models`, then a checkout's shared data).
   */
  vadModelPath: string | null;
  /** `KLODY_VOICE_MIN_SPEECH_MS` (250): shorter sounds are not speech. */
  minSpeechMs: number;
  /** `KLODY_VOICE_MIN_SILENCE_MS` (600): the silence that ends the user's turn. */
  minSilenceMs: number;
  /** `KLODY_VOICE_SPEECH_PAD_MS` (200): audio kept before and after each utterance. */
  speechPadMs: number;
  /** `KLODY_VOICE_DUPLEX` (`half`): `full` only where the client cancels its echo. */
  duplex: DuplexMode;
}

const milliseconds = (most: number) =>
  optionalText.pipe(
    z.coerce
      .number<string>()
      .int('must be a whole number of milliseconds')
      .min(0, 'must be at least 0 ms')
      .max(most, `must be at most ${most} ms`)
      .optional(),
  );

const voiceEnvironmentSchema = z.object({
  KLODY_VAD_MODEL: optionalText,
  KLODY_VOICE_MIN_SPEECH_MS: milliseconds(10_000),
  KLODY_VOICE_MIN_SILENCE_MS: milliseconds(10_000),
  KLODY_VOICE_SPEECH_PAD_MS: milliseconds(2_000),
  KLODY_VOICE_DUPLEX: optionalText.pipe(z.enum(['half', 'full']).optional()),
});

export function readVoiceConfig(env: NodeJS.ProcessEnv): VoiceConfig {
  const values = readEnvironment(voiceEnvironmentSchema, env);
  return {
    vadModelPath: values.KLODY_VAD_MODEL ?? null,
    minSpeechMs: values.KLODY_VOICE_MIN_SPEECH_MS ?? 250,
    minSilenceMs: values.KLODY_VOICE_MIN_SILENCE_MS ?? 600,
    speechPadMs: values.KLODY_VOICE_SPEECH_PAD_MS ?? 200,
    duplex: values.KLODY_VOICE_DUPLEX ?? 'half',
  };
}
