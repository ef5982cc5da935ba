// What the MCP tests share: the documented stdio command (read from the README, so that the line
// people copy is the line tested), a library seeded the way the library tests build one, and the
// checks of a tool's answer.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '@klody/test-helpers';
import { decodeWav } from '@klody/voice';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { readConfig } from '../../src/config/config.js';
import { openVocalBrainDatabase } from '../../src/database/open-database.js';
import { openTrackLibrary, type Track } from '../../src/library/index.js';
import { toneClip } from './tone-clip.js';

/** The README's stdio line, with its placeholder replaced by this checkout. */
export function documentedStdioCommand(): { line: string; command: string; args: string[] } {
  const readme = readFileSync(join(repositoryRoot(), 'apps/vocalbrain/README.md'), 'utf8');
  const line = /claude mcp add vocalbrain -- (pnpm [^\n`]+ vocalbrain mcp)/.exec(readme)?.[1];
  if (!line) throw new Error('the README has no `claude mcp add vocalbrain -- pnpm … vocalbrain mcp` line');
  const [command, ...args] = line.replace('/path/to/klody', repositoryRoot()).split(' ');
  return { line, command: command as string, args };
}

/** The environment of a VocalBrain with espeak-ng and pocketsphinx only: no gateway, no models. */
export function mcpTestEnvironment(home: string): Record<string, string> {
  return {
    KLODY_HOME: home,
    KLODY_GATEWAY_URL: 'none',
    KLODY_VOCALBRAIN_CALIBRATE: '0',
    KLODY_LOG_LEVEL: 'warn',
    // No Whisper: adding a track would transcribe it, and these tests are about the protocol.
    KLODY_MODELS_DIR: join(home, 'no-models'),
  };
}

/** Two tracks of tone clips, added through VocalBrain's own library on `home`'s database. */
export async function seedLibrary(home: string): Promise<{ piano: Track; brass: Track }> {
  const config = readConfig({ ...process.env, ...mcpTestEnvironment(home) });
  const database = openVocalBrainDatabase(config.databasePath);
  try {
    const library = await openTrackLibrary(config, database);
    try {
      const piano = await library.add({
        bytes: toneClip([220, 196, 175, 165]),
        fileName: 'rainy-piano.wav',
        description: 'A slow, sad piano piece in a minor key, for a rainy evening',
        tags: ['piano', 'melancholy'],
      });
      const brass = await library.add({
        bytes: toneClip([392, 494, 587, 784]),
        fileName: 'fanfare.wav',
        description: 'Jazz entraînant avec des cuivres, trompettes et trombones qui swinguent',
        tags: ['jazz', 'cuivres'],
      });
      return { piano, brass };
    } finally {
      await library.close();
    }
  } finally {
    database.close();
  }
}

/** The text parts of a tool's answer, joined. */
export function textOf(result: CallToolResult | Record<string, unknown>): string {
  const content = (result.content ?? []) as { type: string; text?: string }[];
  return content
    .filter((part) => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
}

/** The audio part of a `speak` answer, checked as a WAV file: RIFF/WAVE header, seconds of audio. */
export function wavOf(result: CallToolResult | Record<string, unknown>): {
  bytes: Uint8Array;
  seconds: number;
} {
  const content = (result.content ?? []) as { type: string; data?: string; mimeType?: string }[];
  const audio = content.find((part) => part.type === 'audio');
  if (!audio?.data) throw new Error(`no audio content in ${JSON.stringify(result).slice(0, 300)}`);
  if (audio.mimeType !== 'audio/wav') throw new Error(`audio is ${audio.mimeType}, not audio/wav`);
  const bytes = new Uint8Array(Buffer.from(audio.data, 'base64'));
  const header = Buffer.from(bytes.subarray(0, 12)).toString('latin1');
  if (!header.startsWith('RIFF') || header.slice(8) !== 'WAVE')
    throw new Error(`not a WAV header: ${header}`);
  const wav = decodeWav(bytes);
  return { bytes, seconds: (wav.channels[0]?.length ?? 0) / wav.sampleRate };
}
