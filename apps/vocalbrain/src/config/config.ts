import { join } from 'node:path';
import {
  ConfigurationError,
  isLoopbackAddress,
  klodyHome,
  type LogLevel,
  mebibyte,
  optionalText,
  readEnvironment,
  readGatewayURL,
  readLogLevel,
} from '@klody/service';
import { z } from 'zod';

/** VocalBrain's configuration, read from the environment (CONTRACTS.md names the shared variables). */
export interface VocalBrainConfig {
  /** `$KLODY_HOME/vocalbrain`: the app's own folder. */
  home: string;
  /** `$KLODY_HOME/vocalbrain/vocalbrain.db`. */
  databasePath: string;
  /** `$KLODY_HOME/vocalbrain/audio`: where long jobs write their files. */
  audioDirectory: string;
  host: string;
  port: number;
  /** `KLODY_VOCALBRAIN_API_KEY`: asked as a bearer key on /v1/* and /api/* when set; required off loopback. */
  apiKey: string | null;
  /** The gateway's base URL without `/v1`, or null when `KLODY_GATEWAY_URL=none`. */
  gatewayURL: string | null;
  gatewayAPIKey: string | null;
  /**
   * Longest wait for one embedding request of the audio library at the gateway
   * (`KLODY_VOCALBRAIN_GATEWAY_TIMEOUT`, seconds; 30): past it, the search is by words, with a note.
   */
  gatewayTimeoutMs: number;
  /** Aliases at the gateway (`KLODY_TTS_MODEL`, `KLODY_STT_MODEL`): listed first among its speech models. */
  ttsModel: string;
  sttModel: string;
  /** `KLODY_LOG_LEVEL`, validated by @klody/service (`info` by default). */
  logLevel: LogLevel;
  /** The espeak-ng program (`KLODY_VOCALBRAIN_ESPEAK`, default `espeak-ng` on PATH; else its WASM build). */
  espeakExecutable: string;
  /** The ffmpeg program for mp3/opus answers and non-WAV uploads (`KLODY_VOCALBRAIN_FFMPEG`). */
  ffmpegExecutable: string;
  /**
   * Whether each speech engine without measurements is measured once at start-up
   * (`KLODY_VOCALBRAIN_CALIBRATE`, default on); off, the first real requests are its measurements.
   */
  calibrate: boolean;
  /** Largest JSON body (speech requests: the only cap on `input`), 8 MiB (CONTRACTS.md). */
  jsonBodyLimitBytes: number;
  /** Largest audio upload, 64 MiB (CONTRACTS.md). */
  audioBodyLimitBytes: number;
  /** The environment the installed-models reader looks at (`KLODY_MODELS_DIR`). */
  modelsEnvironment: NodeJS.ProcessEnv;
}

const environmentSchema = z.object({
  KLODY_HOME: optionalText,
  KLODY_GATEWAY_URL: optionalText,
  KLODY_GATEWAY_API_KEY: optionalText,
  KLODY_VOCALBRAIN_GATEWAY_TIMEOUT: optionalText.pipe(
    z.coerce
      .number<string>()
      .positive('must be more than 0 seconds')
      .max(3_600, 'must be at most 3600 seconds')
      .optional(),
  ),
  KLODY_TTS_MODEL: optionalText,
  KLODY_STT_MODEL: optionalText,
  KLODY_VOCALBRAIN_PORT: optionalText.pipe(z.coerce.number<string>().int().min(0).max(65_535).optional()),
  KLODY_VOCALBRAIN_HOST: optionalText,
  KLODY_VOCALBRAIN_API_KEY: optionalText,
  KLODY_VOCALBRAIN_ESPEAK: optionalText,
  KLODY_VOCALBRAIN_FFMPEG: optionalText,
  KLODY_VOCALBRAIN_CALIBRATE: optionalText.pipe(
    z.enum(['0', '1', 'true', 'false'], { error: 'must be 1, 0, true or false' }).optional(),
  ),
});

/** Reads and validates the configuration; a bad value throws a ConfigurationError naming the variable. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): VocalBrainConfig {
  const values = readEnvironment(environmentSchema, env);
  const home = klodyHome('vocalbrain', { KLODY_HOME: values.KLODY_HOME });
  const host = values.KLODY_VOCALBRAIN_HOST ?? '127.0.0.1';
  const apiKey = values.KLODY_VOCALBRAIN_API_KEY ?? null;
  if (!isLoopbackAddress(host) && !apiKey) {
    throw new ConfigurationError(
      `KLODY_VOCALBRAIN_HOST: "${host}" is not a loopback address: binding it needs KLODY_VOCALBRAIN_API_KEY`,
    );
  }
  return {
    home,
    databasePath: join(home, 'vocalbrain.db'),
    audioDirectory: join(home, 'audio'),
    host,
    port: values.KLODY_VOCALBRAIN_PORT ?? 8600,
    apiKey,
    gatewayURL: readGatewayURL(values.KLODY_GATEWAY_URL),
    gatewayAPIKey: values.KLODY_GATEWAY_API_KEY ?? null,
    gatewayTimeoutMs: (values.KLODY_VOCALBRAIN_GATEWAY_TIMEOUT ?? 30) * 1000,
    ttsModel: values.KLODY_TTS_MODEL ?? 'tts',
    sttModel: values.KLODY_STT_MODEL ?? 'stt',
    logLevel: readLogLevel(env),
    espeakExecutable: values.KLODY_VOCALBRAIN_ESPEAK ?? 'espeak-ng',
    ffmpegExecutable: values.KLODY_VOCALBRAIN_FFMPEG ?? 'ffmpeg',
    calibrate: !['0', 'false'].includes(values.KLODY_VOCALBRAIN_CALIBRATE ?? '1'),
    jsonBodyLimitBytes: 8 * mebibyte,
    audioBodyLimitBytes: 64 * mebibyte,
    modelsEnvironment: env,
  };
}
