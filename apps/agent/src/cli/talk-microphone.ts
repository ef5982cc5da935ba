// `pnpm agent talk` without `--in`: the microphone through ALSA's `arecord`, the speakers through
// `aplay` (16 kHz mono s16le in, each sentence's rate out), until Ctrl-C or the recorder stops. The
// commands are injectable so that a test can stand fakes in for the sound card.
import { spawn, spawnSync } from 'node:child_process';
import { UsageError } from '@klody/service';
import { frameFromPcm, pcmFromFrame } from '../voice/pcm-frames.js';
import type { OpenVoiceSession, VoiceServerMessage } from '../voice/voice-protocol.js';
import { microphoneSampleRate } from '../voice/voice-protocol.js';
import type { TalkCommand } from './talk-command.js';

export interface MicrophoneOptions {
  onMessage: (message: VoiceServerMessage) => void;
  /** The recorder and the player (default `arecord` and `aplay`), run with ALSA's raw-PCM arguments. */
  recorder?: string;
  player?: string;
  /** Resolves to end the conversation (default: the first SIGINT). */
  stop?: Promise<void>;
}

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** The microphone through the recorder, the speakers through the player, until `stop` or the recorder ends. */
export async function talkThroughMicrophone(
  command: Pick<TalkCommand, 'session' | 'approvals' | 'duplex' | 'language'>,
  openVoiceSession: OpenVoiceSession,
  options: MicrophoneOptions,
): Promise<number> {
  const recorderCommand = options.recorder ?? 'arecord';
  const playerCommand = options.player ?? 'aplay';
  for (const tool of [recorderCommand, playerCommand])
    if (!hasCommand(tool))
      throw new UsageError(
        'missing_tool',
        `${tool} is not installed: install ALSA's tools (apt install alsa-utils), or talk from a file with --in <wav>`,
      );
  const raw = (rate: number) => ['-q', '-t', 'raw', '-f', 'S16_LE', '-c', '1', '-r', String(rate)];
  let player: ReturnType<typeof spawn> | null = null;
  let playerRate = 0;
  // Klody stops at once when interrupted: the player is killed with what it still holds.
  const stopPlayback = () => {
    player?.kill('SIGKILL');
    player = null;
  };
  const handler = openVoiceSession({
    send(message) {
      options.onMessage(message);
      if (message.type === 'interrupted') stopPlayback();
      if (message.type === 'audio-start' && (player === null || playerRate !== message.sampleRate)) {
        stopPlayback();
        playerRate = message.sampleRate;
        player = spawn(playerCommand, raw(playerRate), { stdio: ['pipe', 'ignore', 'inherit'] });
        player.stdin?.on('error', () => {});
      }
    },
    sendAudio(pcm) {
      player?.stdin?.write(frameFromPcm(pcm));
    },
    bufferedBytes: () => 0,
    close: () => {},
  });
  handler.message({
    type: 'configure',
    ...(command.session ? { sessionId: command.session } : {}),
    approvals: command.approvals,
    duplex: command.duplex,
    ...(command.language ? { language: command.language } : {}),
  });
  const recorder = spawn(recorderCommand, raw(microphoneSampleRate), {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stderr.write('listening: speak, Ctrl-C to stop\n');
  // Pipe reads split anywhere: an odd byte waits for the next read.
  let carry = Buffer.alloc(0);
  recorder.stdout.on('data', (data: Buffer) => {
    const bytes = Buffer.concat([carry, data]);
    const even = bytes.length - (bytes.length % 2);
    carry = bytes.subarray(even);
    const pcm = pcmFromFrame(bytes.subarray(0, even));
    if (pcm) handler.audio(pcm);
  });
  const recorderEnded = new Promise<void>((resolve) => recorder.once('exit', () => resolve()));
  const interrupted = new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await Promise.race([options.stop ?? interrupted, recorderEnded]);
  recorder.kill();
  handler.close();
  // Let the player finish what it was given (the end of Klody's last sentence).
  (player as ReturnType<typeof spawn> | null)?.stdin?.end();
  return 0;
}
