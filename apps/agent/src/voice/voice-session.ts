// One spoken conversation on the agent's `/voice` socket: the microphone's audio goes through the VAD;
// each utterance it closes is transcribed and becomes a turn of the agent (or, while the agent waits on
// an approval or a running tool, the answer to it); the agent's answer is cut into sentences as the
// model writes and each one is spoken while the next is written. The user speaking over Klody stops
// the model, the speech and the playback, and only what was played is kept.
import type { Agent } from '../agent/agent.js';
import type { AgentEvent } from '../agent/agent-events.js';
import { createPartialTranscripts } from './partial-transcripts.js';
import { createRecordingBuffer } from './recording-buffer.js';
import { createSpeechOutput, type Speak, type SpeechOutput } from './speech-output.js';
import { isSpokenCancel, parseSpokenDecision } from './spoken-decision.js';
import type {
  DuplexMode,
  OpenVoiceSession,
  VoiceApprovalMode,
  VoiceClientMessage,
  VoiceConnection,
  VoiceSessionHandler,
  VoiceTurnMetrics,
} from './voice-protocol.js';
import { microphoneSampleRate } from './voice-protocol.js';
import { emptyMoments, type VoiceTurnMoments, voiceTurnMetrics } from './voice-turn-timing.js';

/** A start or end of speech, in seconds into the connection's audio (the VAD's turn events). */
export interface SpeechBoundary {
  type: 'speech-start' | 'speech-end';
  at: number;
}

/** Streaming voice activity over the connection's audio (@klody/voice's, over Silero VAD). */
export interface VoiceActivity {
  push(pcm: Int16Array): Promise<SpeechBoundary[]>;
  /** The audio is over: closes a turn still open. */
  end(): SpeechBoundary[] | Promise<SpeechBoundary[]>;
  /** Whether the user is speaking now, and for how long (ms). */
  readonly speaking: boolean;
  readonly speechDurationMs: number;
}

/** Splits the model's text into sentences as it streams (@klody/voice's sentence stream). */
export interface SentenceSplitter {
  push(delta: string): string[];
  flush(): string[];
}

/** What one finished spoken turn is recorded as (`/metrics` and the voice turns table). */
export interface VoiceTurnRecord {
  sessionId: string | null;
  turnId: string | null;
  transcript: string;
  answer: string;
  metrics: VoiceTurnMetrics;
  at: number;
}

export interface VoiceSessionOptions {
  agent: Pick<Agent, 'send' | 'decide' | 'resume' | 'interrupt'>;
  createVoiceActivity: () => VoiceActivity;
  transcribe: (
    pcm: Int16Array,
    options: { language?: string; signal: AbortSignal },
  ) => Promise<{ text: string; language: string | null }>;
  speak: Speak;
  createSentenceSplitter: () => SentenceSplitter;
  /** Milliseconds (default `performance.now`), and a cancellable wait. */
  now?: () => number;
  sleep?: (milliseconds: number, signal: AbortSignal) => Promise<void>;
  /** Half-duplex: how long after Klody's last audio the microphone stays ignored (default 300 ms). */
  tailMs?: number;
  /** How long the user must speak over Klody to interrupt it (default 500 ms). */
  bargeInMs?: number;
  /** Defaults a client's `configure` can change. */
  duplex?: DuplexMode;
  approvals?: VoiceApprovalMode;
  recordTurn?: (record: VoiceTurnRecord) => void;
}

/** The agent's turn that a spoken message started, while it runs, speaks or waits. */
interface ActiveTurn {
  transcript: string;
  controller: AbortController;
  speech: SpeechOutput;
  sentences: SentenceSplitter;
  moments: VoiceTurnMoments;
  turnId: string | null;
  answer: string;
  toolRunning: boolean;
  approvalId: string | null;
  /** The turn stopped to ask whether to go on (max steps, a repeated call): the next yes or no answers. */
  questionAsked: boolean;
  stopping: boolean;
  /** The agent streams of this turn, consumed one after the other. */
  consumed: Promise<void>;
}

const defaultSleep = (milliseconds: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

export function createVoiceSessionOpener(options: VoiceSessionOptions): OpenVoiceSession {
  return (connection) => startVoiceSession(connection, options);
}

function startVoiceSession(connection: VoiceConnection, options: VoiceSessionOptions): VoiceSessionHandler {
  const { agent } = options;
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? defaultSleep;
  const tailMs = options.tailMs ?? 300;
  const bargeInMs = options.bargeInMs ?? 500;
  const settings: {
    sessionId: string | null;
    duplex: DuplexMode;
    approvals: VoiceApprovalMode;
    language: string | undefined;
    partials: boolean;
  } = {
    sessionId: null,
    duplex: options.duplex ?? 'half',
    approvals: options.approvals ?? 'ask',
    language: undefined,
    partials: false,
  };
  const voiceActivity = options.createVoiceActivity();
  const recording = createRecordingBuffer(microphoneSampleRate);
  const closing = new AbortController();
  let audioWork: Promise<void> = Promise.resolve();
  let utteranceWork: Promise<void> = Promise.resolve();
  let current: ActiveTurn | null = null;
  let utteranceStart: number | null = null;
  let utteranceIgnored = false;
  const partials = createPartialTranscripts({
    transcribe: (pcm, signal) =>
      options.transcribe(pcm, { ...(settings.language ? { language: settings.language } : {}), signal }),
    send: (text, language) => send({ type: 'transcript', text, final: false, language }),
  });
  let silentUntil = 0;

  const send: VoiceConnection['send'] = (message) => {
    if (!closing.signal.aborted) connection.send(message);
  };
  const fail = (code: string, error: unknown) => {
    send({ type: 'error', code, message: error instanceof Error ? error.message : String(error) });
  };
  const sendReady = () =>
    send({
      type: 'ready',
      sessionId: settings.sessionId,
      duplex: settings.duplex,
      approvals: settings.approvals,
      sampleRate: microphoneSampleRate,
    });

  /** Whether Klody's voice may be in the microphone now (half-duplex ignores it). */
  const klodyAudible = () => (current?.speech.speaking() ?? false) || now() < silentUntil;

  const newSpeech = (turn: () => ActiveTurn): SpeechOutput =>
    createSpeechOutput({
      connection: {
        send,
        sendAudio: (pcm) => {
          if (!closing.signal.aborted) connection.sendAudio(pcm);
        },
        bufferedBytes: () => connection.bufferedBytes(),
        close: (code, reason) => connection.close(code, reason),
      },
      speak: options.speak,
      now,
      sleep,
      onFirstAudio: (at) => {
        turn().moments.firstAudioAt ??= at;
      },
      onError: (error) => fail('speech_failed', error),
    });

  function say(turn: ActiveTurn, sentence: string) {
    turn.moments.firstSentenceAt ??= now();
    turn.speech.say(sentence);
    silentUntil = Math.max(silentUntil, turn.speech.playingUntil() + tailMs);
  }

  function onAgentEvent(turn: ActiveTurn, event: AgentEvent): { deny: string | null } {
    send({ type: 'agent', event });
    switch (event.type) {
      case 'turn-start':
        settings.sessionId = event.sessionId;
        turn.turnId = event.turnId;
        break;
      case 'text-delta':
        turn.moments.firstTokenAt ??= now();
        turn.moments.lastTokenAt = now();
        turn.answer += event.text;
        for (const sentence of turn.sentences.push(event.text)) say(turn, sentence);
        break;
      case 'tool-call':
        turn.toolRunning = true;
        break;
      case 'tool-result':
        turn.toolRunning = false;
        break;
      case 'approval-request':
        turn.toolRunning = false;
        if (settings.approvals === 'deny') return { deny: event.approvalId };
        turn.approvalId = event.approvalId;
        break;
      case 'stop':
        if (event.reason !== 'approval_pending') turn.questionAsked = true;
        for (const sentence of turn.sentences.flush()) say(turn, sentence);
        // An approval refused without asking needs no question.
        if (!(event.reason === 'approval_pending' && settings.approvals === 'deny'))
          say(turn, event.question);
        break;
      case 'turn-end':
        turn.answer = event.answer;
        break;
    }
    return { deny: null };
  }

  async function consume(turn: ActiveTurn, stream: AsyncIterable<AgentEvent>): Promise<void> {
    const refused: string[] = [];
    try {
      for await (const event of stream) {
        const { deny } = onAgentEvent(turn, event);
        if (deny) refused.push(deny);
      }
    } catch (error) {
      if (!turn.controller.signal.aborted) fail('agent_failed', error);
    }
    if (turn.stopping) return;
    for (const sentence of turn.sentences.flush()) say(turn, sentence);
    turn.moments.lastTokenAt ??= now();
    const approvalId = refused[0];
    if (approvalId && settings.sessionId) {
      turn.sentences = options.createSentenceSplitter();
      const decision = agent.decide({
        sessionId: settings.sessionId,
        approvalId,
        decision: 'deny',
        signal: turn.controller.signal,
      });
      return consume(turn, decision);
    }
    await turn.speech.finished();
    if (turn.stopping) return;
    if (turn.approvalId !== null || turn.questionAsked) {
      send({ type: 'listening', awaiting: turn.approvalId !== null ? 'approval' : 'question' });
      return;
    }
    endTurn(turn);
  }

  function endTurn(turn: ActiveTurn) {
    if (current === turn) current = null;
    silentUntil = Math.max(silentUntil, turn.speech.playingUntil() + tailMs);
    const metrics = voiceTurnMetrics(turn.moments);
    send({
      type: 'turn-end',
      turnId: turn.turnId,
      transcript: turn.transcript,
      answer: turn.answer,
      metrics,
    });
    options.recordTurn?.({
      sessionId: settings.sessionId,
      turnId: turn.turnId,
      transcript: turn.transcript,
      answer: turn.answer,
      metrics,
      at: Date.now(),
    });
    send({ type: 'listening', awaiting: 'turn' });
  }

  function startTurn(transcript: string, moments: VoiceTurnMoments) {
    const controller = new AbortController();
    const turn: ActiveTurn = {
      transcript,
      controller,
      speech: newSpeech(() => turn),
      sentences: options.createSentenceSplitter(),
      moments,
      turnId: null,
      answer: '',
      toolRunning: false,
      approvalId: null,
      questionAsked: false,
      stopping: false,
      consumed: Promise.resolve(),
    };
    current = turn;
    moments.sentAt = now();
    const stream = agent.send({
      ...(settings.sessionId ? { sessionId: settings.sessionId } : {}),
      message: transcript,
      signal: controller.signal,
    });
    turn.consumed = consume(turn, stream);
  }

  /** Stops the current turn: the model, the speech, the playback; keeps what was played. */
  async function interruptTurn(): Promise<void> {
    const turn = current;
    if (!turn || turn.stopping) return;
    turn.stopping = true;
    const played = turn.speech.stop(now());
    turn.controller.abort();
    turn.moments.interrupted = true;
    send({ type: 'interrupted', played });
    await turn.consumed;
    if (turn.turnId && settings.sessionId) {
      try {
        await agent.interrupt({ sessionId: settings.sessionId, turnId: turn.turnId, played });
      } catch (error) {
        fail('interrupt_failed', error);
      }
    }
    turn.answer = played;
    silentUntil = 0;
    endTurn(turn);
  }

  /** The spoken answer to what the turn asked: an approval's decision, or whether to go on. */
  function answer(turn: ActiveTurn, decision: 'approve' | 'deny', heard: string) {
    const sessionId = settings.sessionId;
    if (!sessionId) return;
    send({ type: 'decision', heard, decision });
    const approvalId = turn.approvalId;
    turn.approvalId = null;
    turn.questionAsked = false;
    turn.speech.stop(now());
    turn.speech = newSpeech(() => turn);
    turn.sentences = options.createSentenceSplitter();
    const signal = turn.controller.signal;
    const stream = approvalId
      ? agent.decide({ sessionId, approvalId, decision, signal })
      : agent.resume({ sessionId, goOn: decision === 'approve', signal });
    turn.consumed = consume(turn, stream);
  }

  async function onUtterance(pcm: Int16Array, moments: VoiceTurnMoments): Promise<void> {
    let transcript: { text: string; language: string | null };
    try {
      transcript = await options.transcribe(pcm, {
        ...(settings.language ? { language: settings.language } : {}),
        signal: closing.signal,
      });
    } catch (error) {
      if (!closing.signal.aborted) fail('transcription_failed', error);
      return;
    }
    moments.transcriptAt = now();
    const text = transcript.text.trim();
    send({ type: 'transcript', text, final: true, language: transcript.language });
    const turn = current;
    if (!text) {
      // Noise the VAD took for speech: Klody keeps waiting for whatever it waited for.
      if (!turn) send({ type: 'listening', awaiting: 'turn' });
      else if (turn.approvalId || turn.questionAsked)
        send({ type: 'listening', awaiting: turn.approvalId ? 'approval' : 'question' });
      return;
    }
    if (turn?.approvalId) {
      const decision = parseSpokenDecision(text);
      if (decision) answer(turn, decision, text);
      else {
        send({ type: 'ignored', reason: 'not_a_decision', text });
        send({ type: 'listening', awaiting: 'approval' });
      }
      return;
    }
    if (turn?.questionAsked) {
      const decision = parseSpokenDecision(text);
      if (decision) return answer(turn, decision, text);
      // Anything else is a new message: the agent ends the waiting turn, as a typed one would.
      endTurn(turn);
      return startTurn(text, moments);
    }
    if (turn?.toolRunning && !turn.stopping) {
      if (isSpokenCancel(text)) {
        send({ type: 'decision', heard: text, decision: 'cancel' });
        await interruptTurn();
      } else {
        send({ type: 'ignored', reason: 'tool_running', text });
      }
      return;
    }
    // A new turn: one still running (the user spoke while Klody thought) is interrupted first.
    if (turn) await interruptTurn();
    if (!closing.signal.aborted) startTurn(text, moments);
  }

  function onBoundary(boundary: SpeechBoundary) {
    if (boundary.type === 'speech-start') {
      send({ type: 'speech-start', at: boundary.at });
      utteranceStart = boundary.at;
      utteranceIgnored =
        settings.duplex === 'half' && klodyAudible() && !current?.approvalId && !current?.questionAsked;
      return;
    }
    send({ type: 'speech-end', at: boundary.at });
    const start = utteranceStart ?? boundary.at;
    utteranceStart = null;
    partials.stop();
    const pcm = recording.slice(start, boundary.at);
    recording.forgetBefore(boundary.at - 1);
    if (utteranceIgnored) {
      utteranceIgnored = false;
      send({ type: 'ignored', reason: 'speaking' });
      return;
    }
    const turnEndedAt = now();
    const moments = emptyMoments();
    moments.turnEndedAt = turnEndedAt;
    moments.userStoppedAt = turnEndedAt - Math.max(0, recording.position - boundary.at) * 1000;
    utteranceWork = utteranceWork
      .then(() => onUtterance(pcm, moments))
      .catch((error) => fail('voice_failed', error));
  }

  /** The user has spoken over Klody long enough: stop it (full duplex, or while it only thinks). */
  function checkBargeIn() {
    const turn = current;
    if (!turn || turn.stopping || utteranceIgnored || !voiceActivity.speaking) return;
    if (voiceActivity.speechDurationMs < bargeInMs) return;
    // While a tool runs or an approval is asked, speech is the answer to it, taken when it ends.
    if (turn.toolRunning || turn.approvalId || turn.questionAsked) {
      if ((turn.approvalId || turn.questionAsked) && turn.speech.speaking()) {
        turn.speech.stop(now());
        turn.speech = newSpeech(() => turn);
      }
      return;
    }
    void interruptTurn();
  }

  function queueAudio(work: () => Promise<void>) {
    audioWork = audioWork.then(work).catch((error) => fail('voice_failed', error));
  }

  sendReady();

  return {
    audio(pcm) {
      if (closing.signal.aborted) return;
      queueAudio(async () => {
        recording.append(pcm);
        for (const boundary of await voiceActivity.push(pcm)) onBoundary(boundary);
        checkBargeIn();
        const start = utteranceStart;
        if (settings.partials && start !== null && !utteranceIgnored)
          partials.heard(() => recording.slice(start, recording.position), recording.position);
      });
    },
    message(message: VoiceClientMessage) {
      switch (message.type) {
        case 'configure':
          if (message.sessionId) settings.sessionId = message.sessionId;
          if (message.duplex) settings.duplex = message.duplex;
          if (message.approvals) settings.approvals = message.approvals;
          if (message.language) settings.language = message.language;
          if (message.partials !== undefined) settings.partials = message.partials;
          sendReady();
          break;
        case 'end-of-audio':
          queueAudio(async () => {
            for (const boundary of await voiceActivity.end()) onBoundary(boundary);
          });
          break;
        case 'interrupt':
          void interruptTurn();
          break;
        case 'answer':
          if (current && (current.approvalId || current.questionAsked)) answer(current, message.decision, '');
          else
            send({ type: 'error', code: 'nothing_to_answer', message: 'Klody is not waiting for an answer' });
          break;
      }
    },
    close() {
      if (closing.signal.aborted) return;
      partials.stop();
      void interruptTurn();
      closing.abort();
    },
  };
}
