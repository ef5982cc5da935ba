// speak and transcribe against a real OpenAI-compatible speech API: the gateway as a real process
// (its CLI) with @klody/voice's worker behind it, speaking with espeak-ng (the system binary, else
// its WASM build); transcription round trips need the installed Whisper model (faster-whisper).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  findExecutable,
  freePort,
  installedModel,
  startGatewayProcess,
  voiceWorkerEntry,
} from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVocalBrainClient, type VocalBrainClient } from '../organs/vocalbrain-client.js';
import { toolCallContext } from './testing/tool-call-context.js';
import { toolError } from './testing/tool-error.js';
import { createSpeakTool, createTranscribeTool } from './vocalbrain-tools.js';

const home = mkdtempSync(join(tmpdir(), 'klody-agent-vocal-'));
const audioFolder = join(home, 'agent', 'audio');
const reaper = useProcessReaper();
const espeak = findExecutable('espeak-ng') ? 'espeak-ng' : 'espeak-ng-wasm';
const whisper = readInstalledWhisper();
let url: string;
let vocal: VocalBrainClient;
let stopGateway: () => Promise<unknown>;

/** Whether the Whisper model is installed: the worker then serves it as `stt` (the round trip needs it). */
function readInstalledWhisper(): boolean {
  try {
    installedModel('whisper-base');
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  const aliases: Record<string, string> = whisper ? { tts: espeak, stt: 'faster-whisper' } : { tts: espeak };
  const gateway = await startGatewayProcess(reaper, {
    home,
    budgetGb: 4,
    workers: [voiceWorkerEntry(await freePort(), aliases, { installedModels: whisper })],
  });
  // `stop` also stops a worker the gateway left behind: none may outlive the test.
  stopGateway = () => gateway.stop(15_000);
  url = gateway.url;
  // The gateway's aliases: this test speaks the same API to the gateway's voice worker.
  vocal = createVocalBrainClient({ url, speechModel: 'tts', transcriptionModel: 'stt', timeoutMs: 120_000 });
}, 90_000);

afterAll(async () => {
  await stopGateway?.();
  rmSync(home, { recursive: true, force: true });
}, 30_000);

describe('speak and transcribe through the speech API', () => {
  it('reads the health of the speech API', async () => {
    expect(await vocal.health()).toMatchObject({ name: 'VocalBrain', url, status: 'ok', message: null });
  });

  it('speak saves the speech as a WAV under the audio folder and says how long it is', async () => {
    const at = new Date('2026-11-30T22:10:05Z');
    const tool = createSpeakTool({ vocal, audioFolder, now: () => at });
    expect(tool).toMatchObject({ name: 'speak', effect: 'write', untrustedOutput: false });
    const output = await tool.execute(
      tool.inputSchema.parse({ text: 'The front door is locked.', voice: 'en' }),
      toolCallContext('call_speak-1'),
    );
    const data = output.data as { path: string; bytes: number; durationSeconds: number };
    expect(data.path).toBe(join(audioFolder, 'speech-20261130-221005-call_speak-1.wav'));
    const wav = readFileSync(data.path);
    expect(wav.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(wav.length).toBe(data.bytes);
    expect(data.durationSeconds).toBeGreaterThan(0.5);
    expect(data.durationSeconds).toBeLessThan(10);
    expect(output.text).toBe(`Spoke ${data.durationSeconds.toFixed(1)} s of audio; saved to ${data.path}`);
  }, 120_000);

  it('speak in French with the default voice when none is given', async () => {
    const output = await createSpeakTool({ vocal, audioFolder }).execute(
      { text: 'Bonjour, la porte est fermée.' },
      toolCallContext('call-2'),
    );
    expect((output.data as { durationSeconds: number }).durationSeconds).toBeGreaterThan(0.5);
  }, 60_000);

  it("speak passes on the speech API's refusal of a voice it does not have", async () => {
    const error = await toolError(
      createSpeakTool({ vocal, audioFolder }).execute(
        { text: 'Bonjour', voice: 'no-such-voice' },
        toolCallContext(),
      ),
    );
    expect(error.message).toMatch(
      new RegExp(`^VocalBrain at ${url} refused the request \\(4\\d\\d\\): .*no-such-voice`),
    );
  }, 60_000);

  it("transcribe passes on the speech API's refusal of a model it does not serve", async () => {
    const spoken = await createSpeakTool({ vocal, audioFolder }).execute(
      { text: 'One two three.' },
      toolCallContext('call-3'),
    );
    const unserved = createVocalBrainClient({ url, transcriptionModel: 'no-such-stt', timeoutMs: 60_000 });
    const error = await toolError(
      createTranscribeTool({ vocal: unserved, audioFolder }).execute(
        { path: (spoken.data as { path: string }).path },
        toolCallContext(),
      ),
    );
    expect(error.message).toMatch(
      new RegExp(`^VocalBrain at ${url} refused the request \\(4\\d\\d\\): .*no-such-stt`),
    );
  }, 60_000);

  it('transcribe refuses a path that is not a recording before calling the API', async () => {
    const tool = createTranscribeTool({ vocal, audioFolder });
    const missing = await toolError(tool.execute({ path: 'nothing-here.wav' }, toolCallContext()));
    expect(missing.message).toBe(`no recording at ${join(audioFolder, 'nothing-here.wav')}`);
    const text = join(home, 'notes.txt');
    writeFileSync(text, 'not audio');
    const wrong = await toolError(tool.execute({ path: text }, toolCallContext()));
    expect(wrong.message).toMatch(/^"notes\.txt" is not a recording \(expected \.wav, \.mp3/);
  });
});

describeRequiring({ models: ['whisper-base'] }, 'transcribe with the installed Whisper model', () => {
  it('writes down what speak said, from a bare file name in the audio folder', async () => {
    const spoken = await createSpeakTool({ vocal, audioFolder }).execute(
      { text: 'The front door is locked.', voice: 'en' },
      toolCallContext('call-round-trip'),
    );
    const name = basename((spoken.data as { path: string }).path);
    const tool = createTranscribeTool({ vocal, audioFolder });
    expect(tool).toMatchObject({ effect: 'read', untrustedOutput: true });
    const output = await tool.execute(
      tool.inputSchema.parse({ path: name, language: 'en' }),
      toolCallContext(),
    );
    expect(output.text.toLowerCase()).toMatch(
      new RegExp(`^transcript of ${name.toLowerCase()}: .*front door`),
    );
    expect((output.data as { text: string }).text.toLowerCase()).toContain('locked');
  }, 180_000);
});

it('says VocalBrain is not running at a closed port', async () => {
  const closed = `http://127.0.0.1:${await freePort()}`;
  const error = await toolError(
    createSpeakTool({ vocal: createVocalBrainClient({ url: closed }), audioFolder }).execute(
      { text: 'Hello' },
      toolCallContext(),
    ),
  );
  expect(error.message).toBe(`VocalBrain is not running at ${closed} (connection refused)`);
});
