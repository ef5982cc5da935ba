// The voice loop as `agent serve` and `agent talk` run it: Silero VAD in this process, speech in and
// out at VocalBrain, the agent's answers, and every turn's metrics in agent.db.
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '@klody/service';
import {
  createSentenceStream,
  createSileroVad,
  createStreamingVoiceActivity,
  decodeWav,
  downmixToMono,
  encodeWav,
  vadModelPath,
} from '@klody/voice';
import type { Agent } from '../agent/agent.js';
import type { AgentConfig } from '../config/config.js';
import type { VoiceConfig } from '../config/voice-config.js';
import {
  createVocalBrainClient,
  type VocalBrainClient,
  vocalBrainURLVariable,
} from '../organs/vocalbrain-client.js';
import { floatToInt16, int16ToFloat } from './pcm16.js';
import { microphoneSampleRate, type OpenVoiceSession } from './voice-protocol.js';
import { createVoiceSessionOpener } from './voice-session.js';
import type { VoiceTurnStore } from './voice-turn-store.js';

export interface VoiceLoopDependencies {
  agent: Agent;
  vocal: VocalBrainClient;
  voiceTurns: VoiceTurnStore;
  config: VoiceConfig;
}

export interface VoiceLoop {
  openVoiceSession: OpenVoiceSession;
  close(): Promise<void>;
}

/** Where the VAD model is; a ConfigurationError naming `KLODY_VAD_MODEL` when there is none. */
function findVadModel(config: VoiceConfig): string {
  try {
    return vadModelPath(
      config.vadModelPath ?? undefined,
      process.env,
      fileURLToPath(new URL('.', import.meta.url)),
    );
  } catch (error) {
    throw new ConfigurationError(
      `the voice loop needs Silero VAD: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export function createVoiceLoop({ agent, vocal, voiceTurns, config }: VoiceLoopDependencies): VoiceLoop {
  // One ONNX session for every connection: each one's stream keeps its own recurrent state.
  const vad = createSileroVad({ modelPath: findVadModel(config) });
  const openVoiceSession = createVoiceSessionOpener({
    agent,
    duplex: config.duplex,
    createVoiceActivity: () =>
      createStreamingVoiceActivity({
        vad,
        minSpeechMs: config.minSpeechMs,
        minSilenceMs: config.minSilenceMs,
        speechPadMs: config.speechPadMs,
      }),
    createSentenceSplitter: () => createSentenceStream(),
    async transcribe(pcm, { language, signal }) {
      const wav = encodeWav({ channels: [int16ToFloat(pcm)], sampleRate: microphoneSampleRate });
      return vocal.transcribe(new Uint8Array(wav), {
        fileName: 'utterance.wav',
        ...(language ? { language } : {}),
        signal,
      });
    },
    async speak(text, signal) {
      const { audio } = await vocal.speak(text, { signal });
      const mono = downmixToMono(decodeWav(audio, 'the speech'));
      return { pcm: floatToInt16(mono.samples), sampleRate: mono.sampleRate };
    },
    recordTurn: (record) => voiceTurns.record(record),
  });
  return { openVoiceSession, close: () => vad.close() };
}

/** The voice loop of an opened agent, with VocalBrain at its configured URL. */
export function voiceLoopFromConfig(
  config: AgentConfig,
  opened: { agent: Agent; voiceTurns: VoiceTurnStore },
  options: { fetch?: typeof fetch } = {},
): VoiceLoop {
  if (!config.vocalBrainURL)
    throw new ConfigurationError(
      `the voice loop needs VocalBrain for speech in and out, and ${vocalBrainURLVariable} is none`,
    );
  const vocal = createVocalBrainClient({
    url: config.vocalBrainURL,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return createVoiceLoop({ agent: opened.agent, vocal, voiceTurns: opened.voiceTurns, config: config.voice });
}
