import { cpus } from 'node:os';
import {
  createEspeakNg,
  createFasterWhisperSpeechToText,
  createOpenAiSpeechToText,
  createOpenAiTextToSpeech,
  createPiperTextToSpeech,
  createPocketsphinxSpeechToText,
  findExecutable,
  installedPiperVoices,
  installedWhisperModel,
} from '@klody/voice';
import type { VocalBrainConfig } from '../config/config.js';
import { createGatewaySpeechModels, type GatewaySpeechModels } from './gateway-speech-models.js';
import type { SpeechEngine, TranscriptionEngine } from './speech-engine.js';

/** How to get each engine that is missing, for notes and 404s. */
export const installHints = {
  espeak: 'apt-get install espeak-ng (Debian/Ubuntu) or brew install espeak-ng (macOS)',
  piper: 'pnpm klody-models install (Piper and the piper-joe-en-us voice)',
  whisper: 'pnpm klody-models install (faster-whisper and whisper-base)',
  pocketsphinx: 'apt-get install pocketsphinx pocketsphinx-en-us',
  gateway: 'start the gateway with a tts alias (KLODY_GATEWAY_URL)',
} as const;

/** The engines this app runs: the local ones found at start-up, and the gateway's speech aliases. */
export interface EngineSet {
  /** Local engines, then the gateway's `tts` aliases as `openai:<alias>` (when it answers). */
  speechEngines(): Promise<SpeechEngine[]>;
  transcriptionEngines(): Promise<TranscriptionEngine[]>;
  gateway(): Promise<GatewaySpeechModels>;
  /** What is missing here and how to install it (fixed at start-up). */
  readonly notes: readonly string[];
  close(): Promise<void>;
}

export interface CreateEngineSetOptions {
  fetch?: typeof fetch;
}

async function usable(check: () => Promise<unknown>): Promise<string | null> {
  try {
    await check();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Finds the engines of this machine: espeak-ng (its binary, else its WASM build), the Piper voices
 * and the Whisper model that `pnpm klody-models install` put in the models folder (their manifest),
 * pocketsphinx when installed, and the gateway's speech aliases. An engine whose voice list cannot
 * be read is left out with a note saying how to install it: the catalogue is what runs, never a list.
 */
export async function createEngineSet(
  config: VocalBrainConfig,
  options: CreateEngineSetOptions = {},
): Promise<EngineSet> {
  const notes: string[] = [];
  const local: SpeechEngine[] = [];
  const closers: (() => Promise<void>)[] = [];

  const espeak = createEspeakNg({ executable: config.espeakExecutable });
  const espeakProblem = await usable(() => espeak.voices());
  if (espeakProblem === null) {
    local.push({
      id: espeak.id,
      textToSpeech: espeak,
      quality: 'low',
      canClone: false,
      heavy: false,
      origin: 'local',
    });
  } else {
    notes.push(`espeak-ng is not available (${espeakProblem}): ${installHints.espeak}`);
  }

  const lookup = { env: config.modelsEnvironment };
  const piperVoices = installedPiperVoices(lookup);
  if (piperVoices.length > 0) {
    const executable = piperVoices.find((voice) => voice.executable)?.executable ?? undefined;
    const python = piperVoices.find((voice) => voice.python)?.python ?? undefined;
    const piper = createPiperTextToSpeech({
      voices: piperVoices.map(({ id, model }) => ({ id, model })),
      ...(executable ? { executable } : {}),
      ...(python ? { python } : {}),
      // Without sampling noise the same text always gives the same audio (reproducible answers).
      noiseScale: 0,
      noiseWidth: 0,
    });
    closers.push(() => piper.close());
    const piperProblem = await usable(() => piper.voices());
    if (piperProblem === null) {
      local.push({
        id: piper.id,
        textToSpeech: piper,
        quality: 'high',
        canClone: false,
        heavy: false,
        origin: 'local',
      });
    } else {
      notes.push(`piper is installed but unusable (${piperProblem}): ${installHints.piper}`);
    }
  } else {
    notes.push(`no Piper voice is installed: ${installHints.piper}`);
  }

  const transcription: TranscriptionEngine[] = [];
  const whisper = installedWhisperModel(lookup);
  if (whisper) {
    const fasterWhisper = createFasterWhisperSpeechToText({
      model: whisper.folder,
      ...(whisper.python ? { python: whisper.python } : {}),
      threads: Math.max(1, Math.min(4, cpus().length)),
    });
    closers.push(() => fasterWhisper.close());
    transcription.push({
      id: fasterWhisper.id,
      speechToText: fasterWhisper,
      wordTimestamps: true,
      names: ['whisper-base'],
      origin: 'local',
    });
  } else {
    notes.push(`no Whisper model is installed: ${installHints.whisper}`);
  }
  if (findExecutable('pocketsphinx_continuous')) {
    const pocketsphinx = createPocketsphinxSpeechToText();
    transcription.push({
      id: pocketsphinx.id,
      speechToText: pocketsphinx,
      wordTimestamps: false,
      names: [],
      origin: 'local',
    });
  } else {
    notes.push(`pocketsphinx is not installed: ${installHints.pocketsphinx}`);
  }

  const gatewayModels = createGatewaySpeechModels({
    url: config.gatewayURL,
    apiKey: config.gatewayAPIKey,
    speechAlias: config.ttsModel,
    transcriptionAlias: config.sttModel,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  // Asked now, so that the first request finds the answer (it never rejects).
  void gatewayModels.current();
  // One engine object per gateway alias, kept so that its voice list is fetched once.
  const gatewaySpeech = new Map<string, SpeechEngine>();
  const gatewayTranscription = new Map<string, TranscriptionEngine>();
  const gatewayAuth = config.gatewayAPIKey ? { apiKey: config.gatewayAPIKey } : {};
  const fetchOption = options.fetch ? { fetch: options.fetch } : {};

  return {
    notes,
    gateway: () => gatewayModels.current(),
    async speechEngines() {
      const gateway = await gatewayModels.current();
      const remote = gateway.speech.map((alias) => {
        let engine = gatewaySpeech.get(alias);
        if (!engine && gateway.url) {
          const textToSpeech = createOpenAiTextToSpeech({
            baseUrl: gateway.url,
            model: alias,
            // The gateway relays speech but not the voice list: without a voice, the worker picks
            // one for the language.
            voiceOptional: true,
            ...gatewayAuth,
            ...fetchOption,
          });
          engine = {
            id: textToSpeech.id,
            textToSpeech,
            quality: 'medium',
            canClone: false,
            heavy: false,
            origin: 'gateway',
          };
          gatewaySpeech.set(alias, engine);
        }
        return engine as SpeechEngine;
      });
      return [...local, ...remote];
    },
    async transcriptionEngines() {
      const gateway = await gatewayModels.current();
      const remote = gateway.transcription.map((alias) => {
        let engine = gatewayTranscription.get(alias);
        if (!engine && gateway.url) {
          const speechToText = createOpenAiSpeechToText({
            baseUrl: gateway.url,
            model: alias,
            ...gatewayAuth,
            ...fetchOption,
          });
          // Whether the worker behind the alias aligns words is known only from its answer.
          engine = { id: speechToText.id, speechToText, wordTimestamps: true, names: [], origin: 'gateway' };
          gatewayTranscription.set(alias, engine);
        }
        return engine as TranscriptionEngine;
      });
      return [...transcription, ...remote];
    },
    async close() {
      await Promise.all(closers.map((close) => close().catch(() => {})));
    },
  };
}
