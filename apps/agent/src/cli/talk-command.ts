// `pnpm agent talk`: from recordings (`--in`, what tests and the benchmark use) or from the microphone
// and speakers (ALSA's `arecord` and `aplay`), through the agent's voice session in this process.
import { UsageError } from '@klody/service';
import { readWavFile, toMonoAt, writeWavFile } from '@klody/voice';
import type {
  DuplexMode,
  OpenVoiceSession,
  VoiceApprovalMode,
  VoiceServerMessage,
  VoiceTurnMetrics,
} from '../voice/voice-protocol.js';
import { microphoneSampleRate } from '../voice/voice-protocol.js';
import { argumentsLine } from './step-line.js';
import { runTalk, type TalkResult } from './talk.js';
import { talkThroughMicrophone } from './talk-microphone.js';

export interface TalkCommand {
  command: 'talk';
  inputs: string[];
  out: string | null;
  session: string | null;
  approvals: VoiceApprovalMode;
  duplex: DuplexMode;
  language: string | null;
  json: boolean;
}

const seconds = (milliseconds: number | null) =>
  milliseconds === null ? '–' : `${(milliseconds / 1000).toFixed(2)} s`;

/** One line of a turn's metrics for people. */
export function metricsLine(metrics: VoiceTurnMetrics): string {
  return [
    `end to end ${seconds(metrics.endToEndMs)}`,
    `end of turn ${seconds(metrics.endOfTurnMs)}`,
    `transcription ${seconds(metrics.transcriptionMs)}`,
    `model first token ${seconds(metrics.modelFirstTokenMs)}`,
    `first sentence ${seconds(metrics.modelFirstSentenceMs)}`,
    `speech first byte ${seconds(metrics.speechFirstByteMs)}`,
    `model total ${seconds(metrics.modelTotalMs)}`,
    ...(metrics.interrupted ? ['interrupted'] : []),
  ].join(' · ');
}

/** The conversation as it happens, for a terminal. */
export function printMessage(message: VoiceServerMessage): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  switch (message.type) {
    case 'transcript':
      if (message.text) out(`you: ${message.text}`);
      break;
    case 'sentence':
      out(`klody: ${message.text}`);
      break;
    case 'agent':
      if (message.event.type === 'tool-call')
        out(`  → ${message.event.tool} ${argumentsLine(message.event.arguments)}`);
      if (message.event.type === 'approval-request')
        out(`  ? ${message.event.tool} needs your approval: say yes / oui or no / non`);
      break;
    case 'decision':
      out(`  (heard “${message.heard}”: ${message.decision})`);
      break;
    case 'ignored':
      out(`  (ignored${message.text ? ` “${message.text}”` : ''}: ${message.reason})`);
      break;
    case 'interrupted':
      out('  (interrupted)');
      break;
    case 'turn-end':
      out(`  ${metricsLine(message.metrics)}`);
      break;
    case 'error':
      process.stderr.write(`agent: ${message.code}: ${message.message}\n`);
      break;
  }
}

async function readRecording(path: string): Promise<Float32Array> {
  try {
    return toMonoAt(await readWavFile(path), microphoneSampleRate).samples;
  } catch (error) {
    throw new UsageError(
      'invalid_audio',
      `${path} cannot be read as a WAV file: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** One JSON line: the last turn's transcript, answer, steps and metrics, and every turn. */
export function talkJson(result: TalkResult) {
  const last = result.turns.at(-1);
  return {
    sessionId: result.sessionId,
    transcript: last?.transcript ?? '',
    answer: last?.answer ?? '',
    spoken: last?.spoken ?? '',
    steps: last?.steps ?? [],
    metrics: last?.metrics ?? null,
    heard: result.heard,
    decisions: result.decisions,
    turns: result.turns,
    errors: result.errors,
  };
}

export async function runTalkCommand(
  command: TalkCommand,
  openVoiceSession: OpenVoiceSession,
): Promise<number> {
  if (command.inputs.length === 0)
    return talkThroughMicrophone(command, openVoiceSession, { onMessage: printMessage });
  const recordings = await Promise.all(command.inputs.map(readRecording));
  const result = await runTalk({
    openVoiceSession,
    recordings,
    sessionId: command.session,
    approvals: command.approvals,
    duplex: command.duplex,
    ...(command.language ? { language: command.language } : {}),
    ...(command.json ? {} : { onMessage: printMessage }),
  });
  if (command.out && result.speech.sampleRate > 0)
    await writeWavFile(command.out, {
      channels: [result.speech.samples],
      sampleRate: result.speech.sampleRate,
    });
  if (command.json) process.stdout.write(`${JSON.stringify(talkJson(result))}\n`);
  else if (result.sessionId) process.stderr.write(`session ${result.sessionId}\n`);
  return result.errors.length > 0 || result.turns.length === 0 ? 1 : 0;
}
