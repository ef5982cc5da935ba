// `pnpm agent talk --in <wav>`: spoken turns from recordings, through the same voice session as the
// `/voice` socket, in this process. Each recording is streamed in real time, like a microphone, then
// silence, until Klody listens again: the next recording answers it (a question, an approval).
import { resample } from '@klody/voice';
import type { StepRecord } from '../agent/agent-events.js';
import { floatToInt16, int16ToFloat } from '../voice/pcm16.js';
import type {
  DuplexMode,
  OpenVoiceSession,
  VoiceApprovalMode,
  VoiceServerMessage,
  VoiceTurnMetrics,
} from '../voice/voice-protocol.js';
import { microphoneSampleRate } from '../voice/voice-protocol.js';

export interface TalkTurn {
  transcript: string;
  answer: string;
  /** What Klody said aloud in the turn: the answer's sentences, and its questions. */
  spoken: string;
  metrics: VoiceTurnMetrics;
  steps: StepRecord[];
}

export interface TalkResult {
  sessionId: string | null;
  /** Every spoken turn, in order; the last one is the command's answer. */
  turns: TalkTurn[];
  /** What was heard of each recording (the approvals' answers too). */
  heard: string[];
  decisions: Array<{ heard: string; decision: 'approve' | 'deny' | 'cancel' }>;
  /** Klody's speech, mono, at `sampleRate` (0 when it said nothing). */
  speech: { samples: Float32Array; sampleRate: number };
  errors: Array<{ code: string; message: string }>;
}

export interface TalkOptions {
  openVoiceSession: OpenVoiceSession;
  /** 16 kHz mono recordings, streamed one after the other. */
  recordings: Float32Array[];
  sessionId?: string | null;
  approvals?: VoiceApprovalMode;
  duplex?: DuplexMode;
  language?: string;
  /** Every server message as it comes (the terminal's rendering). */
  onMessage?: (message: VoiceServerMessage) => void;
  /** Longest wait for Klody after a recording (default 180 s). */
  waitLimitMs?: number;
  /** Audio per frame (default 20 ms, as a microphone sends). */
  frameMs?: number;
  /**
   * Said whenever Klody, after the last recording, still waits on an approval or a question (at most
   * three times): a spoken « non » lets a benchmark's turns end however the model behaves.
   */
  answerWith?: Float32Array;
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

export async function runTalk(options: TalkOptions): Promise<TalkResult> {
  const frameMs = options.frameMs ?? 20;
  const frameSamples = (microphoneSampleRate * frameMs) / 1000;
  const waitLimitMs = options.waitLimitMs ?? 180_000;
  const result: TalkResult = {
    sessionId: options.sessionId ?? null,
    turns: [],
    heard: [],
    decisions: [],
    speech: { samples: new Float32Array(0), sampleRate: 0 },
    errors: [],
  };
  const speech: Float32Array[] = [];
  let speechRate = 0;
  let chunkRate = 0;
  let steps: StepRecord[] = [];
  let spoken: string[] = [];
  let listening = 0;
  let awaiting: 'turn' | 'approval' | 'question' = 'turn';
  let heardSpeech = false;

  const onMessage = (message: VoiceServerMessage) => {
    options.onMessage?.(message);
    switch (message.type) {
      case 'ready':
        result.sessionId = message.sessionId ?? result.sessionId;
        break;
      case 'speech-start':
        heardSpeech = true;
        break;
      case 'transcript':
        result.heard.push(message.text);
        break;
      case 'agent':
        if (message.event.type === 'turn-start') result.sessionId = message.event.sessionId;
        if (message.event.type === 'turn-end') steps = message.event.steps;
        break;
      case 'decision':
        result.decisions.push({ heard: message.heard, decision: message.decision });
        break;
      case 'sentence':
        spoken.push(message.text);
        break;
      case 'audio-start':
        chunkRate = message.sampleRate;
        speechRate ||= message.sampleRate;
        break;
      case 'turn-end':
        result.turns.push({
          transcript: message.transcript,
          answer: message.answer,
          spoken: spoken.join(' '),
          metrics: message.metrics,
          steps,
        });
        steps = [];
        spoken = [];
        break;
      case 'listening':
        listening++;
        awaiting = message.awaiting;
        break;
      case 'error':
        result.errors.push({ code: message.code, message: message.message });
        break;
    }
  };

  const handler = options.openVoiceSession({
    send: onMessage,
    sendAudio(pcm) {
      const samples = int16ToFloat(pcm);
      speech.push(chunkRate === speechRate ? samples : resample(samples, chunkRate, speechRate));
    },
    bufferedBytes: () => 0,
    close: () => {},
  });
  handler.message({
    type: 'configure',
    ...(options.sessionId ? { sessionId: options.sessionId } : {}),
    ...(options.approvals ? { approvals: options.approvals } : {}),
    ...(options.duplex ? { duplex: options.duplex } : {}),
    ...(options.language ? { language: options.language } : {}),
  });

  // Frames go out at the pace a microphone gives them, against the clock rather than by adding sleeps.
  const started = performance.now();
  let sent = 0;
  const sendFrame = async (frame: Float32Array) => {
    handler.audio(floatToInt16(frame));
    sent += frame.length;
    const due = started + (sent / microphoneSampleRate) * 1000 - performance.now();
    if (due > 0) await sleep(due);
  };
  const silence = new Float32Array(frameSamples);

  try {
    const recordings = [...options.recordings];
    let answers = 0;
    for (let index = 0; index < recordings.length; index++) {
      const recording = recordings[index] as Float32Array;
      const listeningBefore = listening;
      heardSpeech = false;
      for (let offset = 0; offset < recording.length; offset += frameSamples)
        await sendFrame(recording.subarray(offset, offset + frameSamples));
      const recordingEnd = performance.now();
      while (listening === listeningBefore) {
        const waited = performance.now() - recordingEnd;
        if (!heardSpeech && waited > 3_000) {
          result.errors.push({ code: 'no_speech', message: 'no speech was heard in the recording' });
          return finish();
        }
        if (waited > waitLimitMs) {
          result.errors.push({
            code: 'timeout',
            message: `Klody did not answer within ${waitLimitMs / 1000} s`,
          });
          return finish();
        }
        await sendFrame(silence);
      }
      if (index === recordings.length - 1 && awaiting !== 'turn' && options.answerWith && answers < 3) {
        answers++;
        recordings.push(options.answerWith);
      }
    }
    return finish();
  } finally {
    handler.close();
  }

  function finish(): TalkResult {
    const length = speech.reduce((total, chunk) => total + chunk.length, 0);
    const samples = new Float32Array(length);
    let offset = 0;
    for (const chunk of speech) {
      samples.set(chunk, offset);
      offset += chunk.length;
    }
    result.speech = { samples, sampleRate: speechRate };
    return result;
  }
}
