import {
  createEspeakNg,
  createEspeakNgTextToSpeech,
  createEspeakNgWasmTextToSpeech,
} from '../engines/espeak-ng/index.js';
import { createFasterWhisperSpeechToText } from '../engines/faster-whisper/index.js';
import { createOpenAiSpeechToText, createOpenAiTextToSpeech } from '../engines/openai/index.js';
import { createPiperTextToSpeech } from '../engines/piper/index.js';
import { createPocketsphinxSpeechToText } from '../engines/pocketsphinx/index.js';
import { createWhisperCppSpeechToText } from '../engines/whisper-cpp/index.js';
import { VoiceError } from '../errors/index.js';
import { installedPiperVoices, installedWhisperModel, modelsInstallHint } from '../models/index.js';

export { vadModelPath } from '../models/index.js';

import type { SpeechToText } from '../speech-to-text/speech-to-text.js';
import type { TextToSpeech } from '../text-to-speech/text-to-speech.js';

export interface EngineChoice {
  engine?: string;
  piperModel?: string;
  whisperModel?: string;
  env: NodeJS.ProcessEnv;
  /** Where to look for a Klody checkout's installed models (the user's folder). */
  cwd?: string;
}

function gateway(env: NodeJS.ProcessEnv): { baseUrl: string; apiKey?: string } {
  const url = env.KLODY_GATEWAY_URL ?? 'http://127.0.0.1:8090';
  if (url === 'none') {
    throw new VoiceError(
      'engine_unavailable',
      'openai:<alias> engines go through the gateway, and KLODY_GATEWAY_URL is "none"',
    );
  }
  return { baseUrl: url, ...(env.KLODY_GATEWAY_API_KEY ? { apiKey: env.KLODY_GATEWAY_API_KEY } : {}) };
}

const speechEngines = 'espeak-ng, espeak-ng-wasm, piper, openai:<alias>';
const transcriptionEngines =
  'pocketsphinx, faster-whisper, whisper-cpp (with --whisper-model), openai:<alias>';

const lookup = (choice: EngineChoice) => ({ env: choice.env, ...(choice.cwd ? { from: choice.cwd } : {}) });

/**
 * Piper with `--piper-model`, else with the voices `pnpm klody-models install` put here; the `piper`
 * program installed with them when the manifest names one, else `piper` on PATH.
 */
function piperFor(choice: EngineChoice): TextToSpeech {
  const installed = installedPiperVoices(lookup(choice));
  const executable = installed.find((voice) => voice.executable)?.executable;
  // The installed piper-tts's Python loads the voice once for all the segments of the text.
  const python = installed.find((voice) => voice.python)?.python;
  const voices = choice.piperModel
    ? [{ id: 'default', model: choice.piperModel }]
    : installed.map(({ id, model }) => ({ id, model }));
  if (voices.length === 0) {
    throw new VoiceError(
      'engine_unavailable',
      `piper has no voice: pass --piper-model voice.onnx, or ${modelsInstallHint} (the joe en_US voice)`,
    );
  }
  return createPiperTextToSpeech({
    voices,
    ...(executable ? { executable } : {}),
    ...(python ? { python } : {}),
  });
}

/** faster-whisper with `--whisper-model FOLDER`, else the installed whisper-base and its Python. */
function fasterWhisperFor(choice: EngineChoice) {
  const installed = installedWhisperModel(lookup(choice));
  const model = choice.whisperModel ?? installed?.folder;
  if (!model) {
    throw new VoiceError(
      'engine_unavailable',
      `faster-whisper has no model: pass --whisper-model FOLDER (a CTranslate2 Whisper folder), or ${modelsInstallHint}`,
    );
  }
  return createFasterWhisperSpeechToText({
    model,
    ...(installed?.python ? { python: installed.python } : {}),
  });
}

/** The TTS engine a CLI call names (default: espeak-ng, its binary or else its WASM build). */
export function speechEngineFor(choice: EngineChoice): TextToSpeech {
  const name = choice.engine ?? 'espeak-ng';
  if (name === 'espeak-ng') return createEspeakNg();
  if (name === 'espeak-ng-binary') return createEspeakNgTextToSpeech();
  if (name === 'espeak-ng-wasm') return createEspeakNgWasmTextToSpeech();
  if (name === 'piper') return piperFor(choice);
  if (name.startsWith('openai:') && name.length > 7) {
    return createOpenAiTextToSpeech({
      ...gateway(choice.env),
      model: name.slice(7),
      defaultVoice: 'default',
    });
  }
  throw new VoiceError('invalid_options', `unknown speech engine "${name}" (use ${speechEngines})`);
}

/** The STT engine a CLI call names (default: pocketsphinx). */
export function transcriptionEngineFor(choice: EngineChoice): SpeechToText {
  const name = choice.engine ?? 'pocketsphinx';
  if (name === 'pocketsphinx') return createPocketsphinxSpeechToText();
  if (name === 'faster-whisper') return fasterWhisperFor(choice);
  if (name === 'whisper-cpp') {
    if (!choice.whisperModel)
      throw new VoiceError('invalid_options', 'the whisper-cpp engine needs --whisper-model ggml-model.bin');
    return createWhisperCppSpeechToText({ model: choice.whisperModel });
  }
  if (name.startsWith('openai:') && name.length > 7) {
    return createOpenAiSpeechToText({ ...gateway(choice.env), model: name.slice(7) });
  }
  throw new VoiceError(
    'invalid_options',
    `unknown transcription engine "${name}" (use ${transcriptionEngines})`,
  );
}
