import { parseArgs } from 'node:util';
import { ConfigurationError, isLoopbackAddress } from '@klody/service';
import { createEspeakNg } from '../engines/espeak-ng/index.js';
import { createFasterWhisperSpeechToText } from '../engines/faster-whisper/index.js';
import { createPiperTextToSpeech, type PiperVoiceConfig } from '../engines/piper/index.js';
import { createPocketsphinxSpeechToText } from '../engines/pocketsphinx/index.js';
import { createWhisperCppSpeechToText } from '../engines/whisper-cpp/index.js';
import { installedPiperVoices, installedWhisperModel } from '../models/index.js';
import { findExecutable } from '../process/run-process.js';
import type { SpeechToText } from '../speech-to-text/speech-to-text.js';
import type { TextToSpeech } from '../text-to-speech/text-to-speech.js';
import type { StartVoiceWorkerOptions } from './voice-worker-server.js';

export const defaultVoiceWorkerPort = 8610;

export const voiceWorkerUsage = `usage: klody-voice-worker [--port 8610] [--host 127.0.0.1] [--alias NAME=MODEL]...
  [--piper-voice ID=MODEL.onnx]... [--piper-executable piper] [--piper-python python] [--whisper-model ggml.bin] [--whisper-executable whisper-cli]
  [--faster-whisper-model FOLDER] [--faster-whisper-python python] [--faster-whisper-threads N] [--faster-whisper-beam 5] [--faster-whisper-vad]
  [--installed-models] [--espeak-executable espeak-ng] [--allow-host NAME]... [--allow-origin ORIGIN]... [--api-key KEY]
Serves /v1/audio/speech, /v1/audio/transcriptions, /v1/audio/voices, /v1/models and /health.
--installed-models serves the Piper voices and the Whisper model that pnpm klody-models install put
here as "piper" and "faster-whisper" (its manifest: KLODY_MODELS_DIR, else the checkout's .tools/models),
unless --piper-voice / --faster-whisper-model name others.
A non-loopback --host needs --api-key (or KLODY_VOICE_WORKER_API_KEY). Started by a gateway, the worker
requires the key the gateway passes in KLODY_WORKER_KEY. KLODY_LOG_LEVEL sets the log level (default info).`;

/** A bad command line: the message names what is wrong (exit code 2, like any ConfigurationError). */
export class UsageError extends ConfigurationError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

function pairs(values: string[] | undefined, flag: string): [string, string][] {
  return (values ?? []).map((value) => {
    const index = value.indexOf('=');
    if (index <= 0 || index === value.length - 1)
      throw new UsageError(`${flag} expects NAME=VALUE, got "${value}"`);
    return [value.slice(0, index), value.slice(index + 1)];
  });
}

function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new UsageError(`${flag} must be a whole number ≥ 1, got "${value}"`);
  return parsed;
}

/** Reads the worker's command line and environment into server options with real engines. */
export function voiceWorkerOptionsFromCommandLine(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): StartVoiceWorkerOptions {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        alias: { type: 'string', multiple: true },
        'piper-voice': { type: 'string', multiple: true },
        'piper-executable': { type: 'string' },
        'piper-python': { type: 'string' },
        'whisper-model': { type: 'string' },
        'whisper-executable': { type: 'string' },
        'installed-models': { type: 'boolean' },
        'faster-whisper-model': { type: 'string' },
        'faster-whisper-python': { type: 'string' },
        'faster-whisper-threads': { type: 'string' },
        'faster-whisper-beam': { type: 'string' },
        'faster-whisper-vad': { type: 'boolean' },
        'espeak-executable': { type: 'string' },
        'allow-host': { type: 'string', multiple: true },
        'allow-origin': { type: 'string', multiple: true },
        'api-key': { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  }
  try {
    parsed = parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values;
  if (values.help) throw new UsageError(voiceWorkerUsage);
  const portText = values.port ?? env.KLODY_VOICE_WORKER_PORT ?? String(defaultVoiceWorkerPort);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(`--port must be a port number, got "${portText}"`);
  const hostname = values.host ?? '127.0.0.1';
  // KLODY_WORKER_KEY is the per-spawn key a Klody gateway gives the workers it starts: with it, the
  // worker answers that gateway only, not anything else that can reach its port.
  const apiKey = values['api-key'] ?? env.KLODY_VOICE_WORKER_API_KEY ?? env.KLODY_WORKER_KEY;
  if (!isLoopbackAddress(hostname) && !apiKey) {
    throw new UsageError(
      `--host ${hostname} is not a loopback address: binding it needs --api-key (or KLODY_VOICE_WORKER_API_KEY)`,
    );
  }

  const speech: Record<string, TextToSpeech> = {};
  const aliases: Record<string, string> = {};
  const espeak = createEspeakNg(
    values['espeak-executable'] ? { executable: values['espeak-executable'] } : {},
  );
  speech[espeak.id] = espeak;
  if (espeak.id !== 'espeak-ng') aliases['espeak-ng'] = espeak.id;
  // The installed models are found through the manifest, so a registry names no machine's paths.
  // Opt-in: what a worker serves should not change because something was installed beside it.
  const lookup = { env };
  const useInstalled = values['installed-models'] === true;
  const installedVoices = useInstalled ? installedPiperVoices(lookup) : [];
  const namedVoices: PiperVoiceConfig[] = pairs(values['piper-voice'], '--piper-voice').map(
    ([id, model]) => ({ id, model }),
  );
  const piperVoices: PiperVoiceConfig[] =
    namedVoices.length > 0 ? namedVoices : installedVoices.map(({ id, model }) => ({ id, model }));
  const piperExecutable =
    values['piper-executable'] ?? installedVoices.find((voice) => voice.executable)?.executable ?? undefined;
  if (
    useInstalled &&
    piperVoices.length === 0 &&
    !values['faster-whisper-model'] &&
    !installedWhisperModel(lookup)
  ) {
    throw new UsageError(
      '--installed-models: no Piper voice or Whisper model is installed (run pnpm klody-models install)',
    );
  }
  // With a Python that imports piper, each voice is loaded once into a worker rather than per sentence.
  const piperPython =
    values['piper-python'] ?? installedVoices.find((voice) => voice.python)?.python ?? undefined;
  if (piperVoices.length > 0) {
    speech.piper = createPiperTextToSpeech({
      voices: piperVoices,
      ...(piperExecutable ? { executable: piperExecutable } : {}),
      ...(piperPython ? { python: piperPython } : {}),
    });
  }
  const transcription: Record<string, SpeechToText> = {};
  if (findExecutable('pocketsphinx_continuous'))
    transcription.pocketsphinx = createPocketsphinxSpeechToText();
  if (values['whisper-model']) {
    transcription['whisper-cpp'] = createWhisperCppSpeechToText({
      model: values['whisper-model'],
      ...(values['whisper-executable'] ? { executable: values['whisper-executable'] } : {}),
    });
  }
  const installedWhisper = useInstalled ? installedWhisperModel(lookup) : null;
  const fasterWhisperModel = values['faster-whisper-model'] ?? installedWhisper?.folder;
  if (fasterWhisperModel) {
    const python = values['faster-whisper-python'] ?? installedWhisper?.python ?? undefined;
    const threads = positiveInteger(values['faster-whisper-threads'], '--faster-whisper-threads');
    const beamSize = positiveInteger(values['faster-whisper-beam'], '--faster-whisper-beam');
    // The model loads on the first transcription (seconds), not here: a gateway's health check
    // must not wait for it, and a worker that only speaks never pays for it.
    transcription['faster-whisper'] = createFasterWhisperSpeechToText({
      model: fasterWhisperModel,
      ...(python ? { python } : {}),
      ...(threads !== undefined ? { threads } : {}),
      ...(beamSize !== undefined ? { beamSize } : {}),
      ...(values['faster-whisper-vad'] ? { vadFilter: true } : {}),
    });
  }
  for (const [alias, model] of pairs(values.alias, '--alias')) {
    if (!speech[model] && !transcription[model]) {
      throw new UsageError(
        `--alias ${alias}=${model}: no model "${model}" (served: ${[...Object.keys(speech), ...Object.keys(transcription)].join(', ')})`,
      );
    }
    aliases[alias] = model;
  }
  return {
    port,
    hostname,
    speech,
    transcription,
    aliases,
    ...(values['allow-host'] ? { allowedHosts: values['allow-host'] } : {}),
    ...(values['allow-origin'] ? { allowedOrigins: values['allow-origin'] } : {}),
    ...(apiKey ? { apiKey } : {}),
  };
}
