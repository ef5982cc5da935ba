import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceError } from '@klody/service';
import { audioDuration, decodeWav, type MonoAudio, runProcess, toMonoAt, VoiceError } from '@klody/voice';

/** Formats read through ffmpeg when it is installed, with the content type the audio route answers. */
export const ffmpegFormats: Readonly<Record<string, string>> = {
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  oga: 'audio/ogg',
  flac: 'audio/flac',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  webm: 'audio/webm',
};

export const contentTypeOf = (format: string) =>
  format === 'wav' ? 'audio/wav' : (ffmpegFormats[format] ?? 'application/octet-stream');

export interface TrackAudio {
  /** `wav`, or the extension of a format ffmpeg decoded. */
  format: string;
  duration: number;
  /** 16 kHz mono, what the transcriber takes. */
  speech: MonoAudio;
}

/** MIME types that name a format by another type than the one `contentTypeOf` answers. */
const otherTypes: Readonly<Record<string, string>> = {
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/vnd.wave': 'wav',
  'audio/mp3': 'mp3',
  'audio/opus': 'opus',
  'audio/x-flac': 'flac',
  'audio/x-m4a': 'm4a',
};

/**
 * The format a caller names, as the extension `readTrackAudio` goes by: an extension (`mp3`, `.wav`)
 * or a MIME type (`audio/mpeg`). An unknown type gives its subtype, which readTrackAudio then
 * refuses with the list of formats it reads.
 */
export function audioFormatOf(name: string): string {
  const lower = name.trim().toLowerCase().replace(/^\./, '');
  const type = lower.split(';')[0]?.trim() ?? '';
  if (!type.includes('/')) return type;
  if (type === contentTypeOf('wav')) return 'wav';
  const known = otherTypes[type] ?? Object.entries(ffmpegFormats).find(([, value]) => value === type)?.[0];
  return known ?? type.slice(type.indexOf('/') + 1);
}

export function formatOfFileName(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase();
}

function asServiceError(error: unknown, fileName: string): unknown {
  if (!VoiceError.isInstance(error)) return error;
  if (error.code === 'unsupported_audio') return new ServiceError('unsupported_audio', 415, error.message);
  if (error.code === 'invalid_audio' || error.code === 'empty_audio')
    return new ServiceError(error.code, 400, error.message);
  return new ServiceError('invalid_audio', 400, `${fileName} could not be read as audio: ${error.message}`);
}

function decode(bytes: Uint8Array, fileName: string): { duration: number; speech: MonoAudio } {
  try {
    const decoded = decodeWav(bytes, fileName);
    const duration = audioDuration(decoded);
    if (duration <= 0) throw new ServiceError('empty_audio', 400, `${fileName} holds no samples`);
    return { duration, speech: toMonoAt(decoded, 16_000) };
  } catch (error) {
    throw asServiceError(error, fileName);
  }
}

/**
 * Reads an uploaded file: a WAV directly, another format (`ffmpegFormats`) through ffmpeg when it is
 * installed. Anything else is refused with a message that says what would read it; nothing is kept.
 */
export async function readTrackAudio(
  bytes: Uint8Array,
  fileName: string,
  ffmpeg: string | null,
): Promise<TrackAudio> {
  const format = formatOfFileName(fileName);
  if (format === 'wav') return { format, ...decode(bytes, fileName) };
  if (!(format in ffmpegFormats)) {
    throw new ServiceError(
      'unsupported_audio',
      415,
      `${fileName}: ${format ? `.${format}` : 'a file without an extension'} is not an audio format the library reads (wav, or ${Object.keys(ffmpegFormats).join(', ')} with ffmpeg)`,
    );
  }
  if (!ffmpeg) {
    throw new ServiceError(
      'unsupported_audio',
      415,
      `${fileName}: .${format} is read through ffmpeg, which is not installed (apt-get install ffmpeg); WAV files need nothing`,
    );
  }
  if (bytes.byteLength === 0) throw new ServiceError('empty_audio', 400, `${fileName} is empty (0 bytes)`);
  // A file, not a pipe: ffmpeg cannot seek a pipe, and MP4/M4A keep their index at the end.
  const folder = await mkdtemp(join(tmpdir(), 'vocalbrain-track-'));
  try {
    const input = join(folder, `input.${format}`);
    await writeFile(input, bytes);
    const result = await runProcess(
      ffmpeg,
      ['-v', 'error', '-nostdin', '-i', input, '-ac', '1', '-ar', '16000', '-f', 'wav', 'pipe:1'],
      { engine: 'ffmpeg', timeoutMs: 120_000 },
    ).catch((error: unknown) => {
      const detail = error instanceof Error ? error.message : String(error);
      throw new ServiceError('invalid_audio', 400, `${fileName} could not be decoded by ffmpeg: ${detail}`);
    });
    return { format, ...decode(new Uint8Array(result.stdout), fileName) };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
