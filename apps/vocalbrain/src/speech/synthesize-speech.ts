import type { Speaker, SpeakerRequest } from '../voices/resolve-speaker.js';
import { collectSpeech } from './encode-speech.js';
import type { SpeechFormat } from './speech-format.js';
import { type SpeechServices, startSpeech } from './start-speech.js';

/** A whole spoken answer: what `say`, the MCP `speak` tool and a non-streamed HTTP answer send. */
export interface SynthesizedSpeech {
  audio: Uint8Array;
  format: SpeechFormat;
  contentType: string;
  sampleRate: number;
  /** Seconds. */
  duration: number;
  speaker: Speaker;
}

export async function synthesizeSpeech(
  services: SpeechServices,
  request: SpeakerRequest,
  options: { format: SpeechFormat; formatField?: string; signal?: AbortSignal },
): Promise<SynthesizedSpeech> {
  const speech = await startSpeech(services, request, { ...options, streamed: false });
  try {
    const { audio, duration } = await collectSpeech(speech);
    return {
      audio,
      format: speech.format,
      contentType: speech.contentType,
      sampleRate: speech.sampleRate,
      duration,
      speaker: speech.speaker,
    };
  } catch (error) {
    // An encoder that failed midway must not leave the engine synthesising the rest.
    speech.abort();
    throw error;
  }
}
