// The moments of one spoken turn, on the session's clock, and the metrics they give (LiveKit's and
// Pipecat's per-turn figures: transcription, end of turn, model first token and sentence, speech first
// byte, end to end).
import type { VoiceTurnMetrics } from './voice-protocol.js';

export interface VoiceTurnMoments {
  /** When the user stopped speaking: the VAD's end of speech, on the session's clock. */
  userStoppedAt: number | null;
  /** When the server decided the turn was over. */
  turnEndedAt: number | null;
  transcriptAt: number | null;
  /** When the message went to the agent. */
  sentAt: number | null;
  firstTokenAt: number | null;
  firstSentenceAt: number | null;
  lastTokenAt: number | null;
  firstAudioAt: number | null;
  interrupted: boolean;
}

export function emptyMoments(): VoiceTurnMoments {
  return {
    userStoppedAt: null,
    turnEndedAt: null,
    transcriptAt: null,
    sentAt: null,
    firstTokenAt: null,
    firstSentenceAt: null,
    lastTokenAt: null,
    firstAudioAt: null,
    interrupted: false,
  };
}

const between = (from: number | null, to: number | null): number | null =>
  from === null || to === null ? null : Math.max(0, Math.round(to - from));

export function voiceTurnMetrics(moments: VoiceTurnMoments): VoiceTurnMetrics {
  return {
    transcriptionMs: between(moments.turnEndedAt, moments.transcriptAt),
    endOfTurnMs: between(moments.userStoppedAt, moments.turnEndedAt),
    modelFirstTokenMs: between(moments.sentAt, moments.firstTokenAt),
    modelFirstSentenceMs: between(moments.sentAt, moments.firstSentenceAt),
    speechFirstByteMs: between(moments.firstSentenceAt, moments.firstAudioAt),
    endToEndMs: between(moments.userStoppedAt, moments.firstAudioAt),
    modelTotalMs: between(moments.sentAt, moments.lastTokenAt),
    interrupted: moments.interrupted,
  };
}
