// Starts a real VocalBrain server for a test file: a fresh KLODY_HOME, no gateway unless one is
// given, the real engines of this machine, port 0. Shared by test/speech-*.test.ts and
// test/voices-*.test.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav, encodeWav, pcm16ToFloat } from '@klody/voice';
import { readConfig } from '../src/config/config.js';
import { type RunningServer, startServer } from '../src/http/start-server.js';

export interface TestServer extends RunningServer {
  home: string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
}

/** A new temporary KLODY_HOME. */
export function temporaryHome(): string {
  return mkdtempSync(join(tmpdir(), 'vocalbrain-test-'));
}

/**
 * Starts the server on a free port. Calibration is off unless asked (it costs seconds of both cores
 * per engine); `env` adds or overrides variables.
 */
export async function startTestServer(
  options: { home?: string; env?: Record<string, string> } = {},
): Promise<TestServer> {
  const home = options.home ?? temporaryHome();
  const config = readConfig({
    ...process.env,
    KLODY_HOME: home,
    KLODY_GATEWAY_URL: 'none',
    KLODY_VOCALBRAIN_CALIBRATE: '0',
    KLODY_LOG_LEVEL: 'error',
    ...options.env,
  });
  const server = await startServer(config, { port: 0 });
  return {
    ...server,
    home,
    post: (path, body, headers = {}) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }),
  };
}

/** Seconds of audio in a WAV answer. */
export function wavSeconds(bytes: Uint8Array): number {
  const wav = decodeWav(bytes);
  return (wav.channels[0]?.length ?? 0) / wav.sampleRate;
}

/** 16-bit PCM bytes as a WAV file (for uploading a `pcm` answer). */
export function pcmToWav(bytes: Uint8Array, sampleRate: number): Uint8Array {
  return encodeWav({ channels: [pcm16ToFloat(bytes)], sampleRate });
}

/** The `data:` payloads of an SSE body, parsed. */
export function sseEvents(text: string): { type: string; audio?: string; [key: string]: unknown }[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice('data: '.length)));
}
