// The tools that reach VocalBrain: speak (write: it makes a sound) and transcribe (read; what a
// recording says was not written by the user: untrusted).
//
// The agent's server is not a player: speak saves the WAV under `audioFolder`
// ($KLODY_HOME/agent/audio/) and returns its path and duration; an interface (the web page, the
// terminal) plays it if it wants to.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { organDisabledError } from '../organs/organ-request.js';
import {
  type VocalBrainClient,
  vocalBrainDefaultURL,
  vocalBrainName,
  vocalBrainURLVariable,
} from '../organs/vocalbrain-client.js';
import { ToolError } from './agent-tool.js';
import { defineTool } from './define-tool.js';
import { capText } from './tool-text.js';
import { wavDurationSeconds } from './wav-duration.js';

/** What transcribe accepts: the formats VocalBrain's engines read, at most 64 MiB (CONTRACTS.md). */
export const recordingExtensions = ['.wav', '.mp3', '.ogg', '.oga', '.opus', '.flac', '.m4a', '.webm'];
export const recordingMaxBytes = 64 * 1024 * 1024;
const transcriptCharacters = 4_000;

function client(vocal: VocalBrainClient | null): VocalBrainClient {
  if (!vocal) throw organDisabledError(vocalBrainName, vocalBrainURLVariable, vocalBrainDefaultURL);
  return vocal;
}

/** `speech-20261130-231005-<call id>.wav`: sortable by time, unique per tool call, safe as a file name. */
export function speechFileName(at: Date, toolCallId: string): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-');
  const call = toolCallId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40) || 'call';
  return `speech-${stamp}-${call}.wav`;
}

export function createSpeakTool(options: {
  vocal: VocalBrainClient | null;
  audioFolder: string;
  now?: () => Date;
}) {
  const now = options.now ?? (() => new Date());
  return defineTool({
    name: 'speak',
    description: 'Say a text out loud. Saves the speech as a WAV file and returns its path.',
    inputSchema: z.object({
      text: z.string().trim().min(1).max(2_000).describe('The text to say'),
      voice: z
        .string()
        .trim()
        .min(1)
        .max(100)
        .optional()
        .describe('A voice name, e.g. "fr" or "en" (optional)'),
    }),
    effect: 'write',
    untrustedOutput: false,
    async execute({ text, voice }, context) {
      const { audio } = await client(options.vocal).speak(text, {
        ...(voice ? { voice } : {}),
        signal: context.signal,
      });
      if (audio.length === 0) throw new ToolError(`${vocalBrainName} returned no audio`, 'organ_bad_answer');
      await mkdir(options.audioFolder, { recursive: true });
      const path = join(options.audioFolder, speechFileName(now(), context.toolCallId));
      await writeFile(path, audio);
      const seconds = wavDurationSeconds(audio);
      const duration = seconds === null ? '' : ` ${seconds.toFixed(1)} s of`;
      return {
        text: `Spoke${duration} audio; saved to ${path}`,
        data: { path, bytes: audio.length, durationSeconds: seconds },
      };
    },
  });
}

/** The recording a path names: relative paths are under `audioFolder`; it must be a readable audio file. */
export async function recordingPath(path: string, audioFolder: string): Promise<string> {
  const full = isAbsolute(path) ? path : resolve(audioFolder, path);
  const extension = extname(full).toLowerCase();
  if (!recordingExtensions.includes(extension)) {
    throw new ToolError(
      `"${basename(full)}" is not a recording (expected ${recordingExtensions.join(', ')})`,
      'invalid_argument',
    );
  }
  let size: number;
  try {
    const info = await stat(full);
    if (!info.isFile()) throw new ToolError(`${full} is not a file`, 'invalid_argument');
    size = info.size;
  } catch (error) {
    if (error instanceof ToolError) throw error;
    throw new ToolError(`no recording at ${full}`, 'not_found');
  }
  if (size === 0) throw new ToolError(`${full} is empty`, 'invalid_argument');
  if (size > recordingMaxBytes) {
    throw new ToolError(
      `${full} is larger than 64 MiB; VocalBrain takes recordings up to 64 MiB`,
      'too_large',
    );
  }
  return full;
}

export function createTranscribeTool(options: { vocal: VocalBrainClient | null; audioFolder: string }) {
  return defineTool({
    name: 'transcribe',
    description: 'Write down what a recording on disk says. Returns its text.',
    inputSchema: z.object({
      path: z
        .string()
        .trim()
        .min(1)
        .max(4_096)
        .describe(
          'The recording’s path (.wav, .mp3, .ogg, .flac…); a bare file name is looked up in the agent’s audio folder',
        ),
      language: z.enum(['fr', 'en']).optional().describe('The language spoken, if known'),
    }),
    effect: 'read',
    untrustedOutput: true,
    async execute({ path, language }, context) {
      const vocal = client(options.vocal);
      const full = await recordingPath(path, options.audioFolder);
      const audio = new Uint8Array(await readFile(full));
      const transcript = await vocal.transcribe(audio, {
        fileName: basename(full),
        ...(language ? { language } : {}),
        signal: context.signal,
      });
      const text = transcript.text.trim();
      return {
        text:
          text.length > 0
            ? `Transcript of ${basename(full)}: ${capText(text, transcriptCharacters)}`
            : `${basename(full)} has no speech that could be written down.`,
        data: { path: full, text, language: transcript.language },
      };
    },
  });
}
