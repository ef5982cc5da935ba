// The duplex voice session's wire protocol on the agent's `/voice` WebSocket. The client sends binary
// frames of microphone audio (16 kHz, mono, signed 16-bit little-endian PCM, any frame length) and JSON
// text frames (`VoiceClientMessage`); the server sends JSON text frames (`VoiceServerMessage`) and
// binary frames of Klody's speech (mono s16le PCM at the `sampleRate` of the `audio-start` before them).
import { z } from 'zod';
import type { AgentEvent } from '../agent/agent-events.js';

/** The microphone audio the server takes: 16 kHz mono s16le, Silero VAD's own rate. */
export const microphoneSampleRate = 16_000;

/**
 * `half` (the default): the microphone is ignored while Klody speaks and for a short tail after, so
 * that its own voice coming back through the speakers never starts a turn. `full`: the client cancels
 * its echo (a browser's `echoCancellation`, a headset): the user can interrupt Klody by speaking.
 */
export const duplexModes = ['half', 'full'] as const;
export type DuplexMode = (typeof duplexModes)[number];

/** `ask`: a tool that needs an approval is asked for aloud; `deny`: it is refused without asking. */
export const voiceApprovalModes = ['ask', 'deny'] as const;
export type VoiceApprovalMode = (typeof voiceApprovalModes)[number];

export const voiceClientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    /** Optional first message; audio sent before it uses the defaults. */
    type: z.literal('configure'),
    /** Continue an existing agent session (its history); a new one is created on the first turn. */
    sessionId: z.string().min(1).optional(),
    duplex: z.enum(duplexModes).optional(),
    approvals: z.enum(voiceApprovalModes).optional(),
    /** A recognition language hint (`fr`, `en`); detected by the recognizer when absent. */
    language: z.string().min(2).max(8).optional(),
    /** Partial transcripts while the user speaks (`transcript` with `final: false`); off by default. */
    partials: z.boolean().optional(),
  }),
  /** The client's audio is over (end of a file): a turn in progress ends now instead of on silence. */
  z.object({ type: z.literal('end-of-audio') }),
  /** Stop whatever Klody is saying or doing now (a button rather than speech). */
  z.object({ type: z.literal('interrupt') }),
  /**
   * The answer to what Klody waits on (an approval, or whether to go on), given with a button rather
   * than spoken: the same as hearing « oui » or « non ».
   */
  z.object({ type: z.literal('answer'), decision: z.enum(['approve', 'deny']) }),
]);
export type VoiceClientMessage = z.infer<typeof voiceClientMessageSchema>;

/** What one spoken turn cost, in milliseconds (null when the turn never got that far). */
export interface VoiceTurnMetrics {
  /** The user's turn ended (VAD) → the transcript was ready. */
  transcriptionMs: number | null;
  /** The user stopped speaking → the server decided the turn was over (the silence it waited for). */
  endOfTurnMs: number | null;
  /** The message was sent to the agent → its first text token. */
  modelFirstTokenMs: number | null;
  /** The message was sent to the agent → its first complete sentence. */
  modelFirstSentenceMs: number | null;
  /** The first sentence was sent to speech → its first audio byte. */
  speechFirstByteMs: number | null;
  /** The user stopped speaking → the first audio byte went out. */
  endToEndMs: number | null;
  /** The message was sent to the agent → the turn's last token. */
  modelTotalMs: number | null;
  /** Whether the user interrupted Klody (barge-in or an `interrupt` message). */
  interrupted: boolean;
}

export type VoiceServerMessage =
  | {
      type: 'ready';
      sessionId: string | null;
      duplex: DuplexMode;
      approvals: VoiceApprovalMode;
      sampleRate: typeof microphoneSampleRate;
    }
  /** The VAD heard speech start (seconds into the client's audio). */
  | { type: 'speech-start'; at: number }
  /** The VAD decided the user's turn is over. */
  | { type: 'speech-end'; at: number }
  /** What the user said; `final: false` is a transcript that may still change. */
  | { type: 'transcript'; text: string; final: boolean; language: string | null }
  /** The agent's own events (steps, tool calls, approval requests, turn end), as the SSE API sends them. */
  | { type: 'agent'; event: AgentEvent }
  /** A sentence of the answer sent to speech, in order. */
  | { type: 'sentence'; index: number; text: string }
  /** Binary frames that follow are this sentence's audio at `sampleRate`, until `audio-end`. */
  | { type: 'audio-start'; index: number; sampleRate: number }
  | { type: 'audio-end'; index: number }
  /**
   * Speech heard while the agent waits on something was taken as the answer to it: `approve`/`deny` for
   * an approval, `cancel` for a tool call that was running.
   */
  | { type: 'decision'; heard: string; decision: 'approve' | 'deny' | 'cancel' }
  /** Speech that was not taken as a turn (half-duplex while Klody spoke, or not a yes/no during an approval). */
  | { type: 'ignored'; reason: 'speaking' | 'not_a_decision' | 'tool_running'; text?: string }
  /** Klody stopped speaking because the user did; `played` is what was actually heard and kept. */
  | { type: 'interrupted'; played: string }
  /**
   * Klody waits for the user: after a turn's last audio, or once an approval's question has been
   * spoken (the next utterance answers it: `awaiting: 'approval'`), or a question whether to go on
   * (max steps, a repeated call: `awaiting: 'question'`, a yes or no answers, anything else is a new turn).
   */
  | { type: 'listening'; awaiting: 'turn' | 'approval' | 'question' }
  | { type: 'turn-end'; turnId: string | null; transcript: string; answer: string; metrics: VoiceTurnMetrics }
  | { type: 'error'; code: string; message: string };

/** The server's side of one `/voice` connection, as the voice session sees it (the socket is hidden). */
export interface VoiceConnection {
  send(message: VoiceServerMessage): void;
  /** Klody's speech: mono s16le PCM at the rate of the last `audio-start`. */
  sendAudio(pcm: Int16Array): void;
  /** Bytes accepted by `sendAudio` that the socket has not yet written (for pacing). */
  bufferedBytes(): number;
  close(code?: number, reason?: string): void;
}

/** One voice session: what the socket hands it. */
export interface VoiceSessionHandler {
  /** A binary frame of microphone audio, 16 kHz mono s16le. */
  audio(pcm: Int16Array): void;
  /** A text frame, already validated against `voiceClientMessageSchema`. */
  message(message: VoiceClientMessage): void;
  /** The socket closed (the client left or the server stops): stop everything, keep what was played. */
  close(): void;
}

/** Starts a voice session for a new connection. */
export type OpenVoiceSession = (connection: VoiceConnection) => VoiceSessionHandler;
