import { spawn } from 'node:child_process';
import { ServiceError } from '@klody/service';
import { findExecutable } from '@klody/voice';

export type CompressedFormat = 'mp3' | 'opus';

const installHint = 'install it with apt-get install ffmpeg (Debian/Ubuntu) or brew install ffmpeg (macOS)';

/** The ffmpeg program's path, or a 501 naming ffmpeg and what works without it. */
export function requireFfmpeg(executable: string, need: string): string {
  const found = findExecutable(executable);
  if (!found) {
    throw new ServiceError(
      'ffmpeg_unavailable',
      501,
      `${need} needs ffmpeg ("${executable}"), which is not installed here: ${installHint}; wav and pcm need nothing`,
    );
  }
  return found;
}

const encoderArguments: Record<CompressedFormat, string[]> = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3'],
  opus: ['-c:a', 'libopus', '-b:a', '32k', '-f', 'ogg'],
};

export const compressedContentTypes: Record<CompressedFormat, string> = {
  mp3: 'audio/mpeg',
  opus: 'audio/ogg',
};

/**
 * Encodes a stream of mono 16-bit PCM through one ffmpeg process: PCM goes in as it comes, encoded
 * bytes come out as ffmpeg makes them (so mp3 streams too). Stopping early kills ffmpeg.
 */
export async function* encodeWithFfmpeg(
  executable: string,
  format: CompressedFormat,
  sampleRate: number,
  pcm: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  const child = spawn(
    executable,
    [
      '-hide_banner',
      '-loglevel',
      'error',
      // Raw PCM has nothing to probe: without these ffmpeg reads about 2 s of audio before it encodes
      // anything, and a streamed mp3 or opus answer starts that much later.
      '-probesize',
      '32',
      '-analyzeduration',
      '0',
      '-f',
      's16le',
      '-ar',
      String(sampleRate),
      '-ac',
      '1',
      '-i',
      'pipe:0',
      ...encoderArguments[format],
      'pipe:1',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => {
    stderr = (stderr + data.toString('utf8')).slice(-2_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let feedError: unknown = null;
  child.stdin.on('error', () => {}); // ffmpeg gone: its exit status says why
  const feeding = (async () => {
    try {
      for await (const bytes of pcm) {
        if (!child.stdin.write(bytes)) await new Promise((resolve) => child.stdin.once('drain', resolve));
      }
    } catch (error) {
      feedError = error;
      child.kill('SIGKILL');
    } finally {
      child.stdin.end();
    }
  })();
  try {
    for await (const data of child.stdout) yield new Uint8Array(data as Buffer);
    await feeding;
    if (feedError) throw feedError;
    const code = await exited;
    if (code !== 0)
      throw new ServiceError(
        'encoding_failed',
        500,
        `ffmpeg could not encode ${format}: ${stderr.trim() || `exit ${code}`}`,
      );
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/** Decodes any audio file ffmpeg reads into 16 kHz mono 16-bit PCM (for uploads that are not WAV). */
export async function decodeWithFfmpeg(
  executable: string,
  bytes: Uint8Array,
  name: string,
): Promise<Float32Array> {
  const child = spawn(
    executable,
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-i',
      'pipe:0',
      '-f',
      's16le',
      '-ac',
      '1',
      '-ar',
      '16000',
      'pipe:1',
    ],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const output: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (data: Buffer) => output.push(data));
  child.stderr.on('data', (data: Buffer) => {
    stderr = (stderr + data.toString('utf8')).slice(-2_000);
  });
  child.stdin.on('error', () => {});
  child.stdin.end(bytes);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) {
    throw new ServiceError(
      'invalid_audio',
      400,
      `${name} is not audio ffmpeg can read: ${stderr.trim() || `exit ${code}`}`,
    );
  }
  const pcm = Buffer.concat(output);
  const samples = new Float32Array(Math.floor(pcm.length / 2));
  for (let index = 0; index < samples.length; index += 1)
    samples[index] = pcm.readInt16LE(index * 2) / 32_768;
  return samples;
}
