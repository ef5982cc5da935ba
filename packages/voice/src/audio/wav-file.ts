import { readFile, writeFile } from 'node:fs/promises';
import { VoiceError } from '../errors/index.js';
import type { MultiChannelAudio } from './pcm-audio.js';
import { type DecodedWav, decodeWav, type EncodeWavOptions, encodeWav } from './wav.js';

/** Reads and decodes a WAV file; a missing file is `invalid_audio` naming the path. */
export async function readWavFile(path: string): Promise<DecodedWav> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : String(error);
    throw new VoiceError('invalid_audio', `cannot read ${path}: ${why}`, { cause: error });
  }
  return decodeWav(bytes, path);
}

/** Encodes and writes a WAV file. */
export async function writeWavFile(
  path: string,
  audio: MultiChannelAudio,
  options: EncodeWavOptions = {},
): Promise<void> {
  await writeFile(path, encodeWav(audio, options));
}
