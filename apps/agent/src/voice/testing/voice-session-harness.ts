// A voice session with named fakes around it, for the session's tests: a scripted agent (passed in),
// a transcriber that reads scripted texts, a speaker that makes a tone as long as the words (150 ms a
// word), and by default an energy-gate VAD (@klody/voice's fake stream under the real turn detector).
// Audio is sent in 20 ms frames at real-time pace, as a microphone would.
import { createSentenceStream, createStreamingVoiceActivity } from '@klody/voice';
import { createFakeVoiceActivityStream } from '@klody/voice/testing';
import type { Agent } from '../../agent/agent.js';
import type { VoiceServerMessage } from '../voice-protocol.js';
import {
  createVoiceSessionOpener,
  type VoiceSessionOptions,
  type VoiceTurnRecord,
} from '../voice-session.js';

export const rate = 16_000;
const frameSamples = 320;

/** A loud tone the fake VAD takes for speech, or silence. */
export function audio(milliseconds: number, loud: boolean): Int16Array {
  const samples = new Int16Array(Math.round((rate * milliseconds) / 1000));
  if (loud)
    for (let index = 0; index < samples.length; index++)
      samples[index] = Math.round(8000 * Math.sin(index / 5));
  return samples;
}

export const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

export interface Harness {
  messages: VoiceServerMessage[];
  audioSamples: number;
  records: VoiceTurnRecord[];
  heard: string[];
  handler: ReturnType<ReturnType<typeof createVoiceSessionOpener>>;
  /** Sends audio in 20 ms frames at real-time pace. */
  say(milliseconds: number, loud?: boolean): Promise<void>;
  /** Sends a recording (16 kHz mono) the same way. */
  play(pcm: Int16Array): Promise<void>;
  waitFor(predicate: (message: VoiceServerMessage) => boolean, limitMs?: number): Promise<VoiceServerMessage>;
}

export function harness(
  agent: { agent: Pick<Agent, 'send' | 'decide' | 'resume' | 'interrupt'> },
  transcripts: string[],
  options: Partial<VoiceSessionOptions> = {},
): Harness {
  const result: Harness = {
    messages: [],
    audioSamples: 0,
    records: [],
    heard: [],
    handler: undefined as never,
    say(milliseconds, loud = true) {
      return result.play(audio(milliseconds, loud));
    },
    async play(pcm) {
      const started = performance.now();
      for (let offset = 0; offset < pcm.length; offset += frameSamples) {
        result.handler.audio(pcm.subarray(offset, offset + frameSamples));
        const due = started + ((offset + frameSamples) / rate) * 1000 - performance.now();
        if (due > 0) await sleep(due);
      }
    },
    async waitFor(predicate, limitMs = 10_000) {
      const started = performance.now();
      for (;;) {
        const found = result.messages.find(predicate);
        if (found) return found;
        if (performance.now() - started > limitMs)
          throw new Error(
            `no such message in ${JSON.stringify(result.messages.map((message) => message.type))}`,
          );
        await sleep(10);
      }
    },
  };
  const open = createVoiceSessionOpener({
    agent: agent.agent,
    createVoiceActivity: () =>
      createStreamingVoiceActivity({
        vad: { createStream: () => createFakeVoiceActivityStream() },
        minSpeechMs: 100,
        minSilenceMs: 300,
        speechPadMs: 50,
      }),
    createSentenceSplitter: () => createSentenceStream(),
    // The fake transcriber: the next scripted text for each utterance.
    async transcribe() {
      const text = transcripts.shift() ?? '';
      result.heard.push(text);
      return { text, language: 'fr' };
    },
    // The fake speaker: 150 ms of tone per word, at 16 kHz.
    async speak(text) {
      const words = text.split(/\s+/).length;
      return { pcm: audio(words * 150, true), sampleRate: rate };
    },
    recordTurn: (record) => result.records.push(record),
    ...options,
  });
  result.handler = open({
    send: (message) => result.messages.push(message),
    sendAudio: (pcm) => {
      result.audioSamples += pcm.length;
    },
    bufferedBytes: () => 0,
    close: () => {},
  });
  return result;
}
