// The CLI as a person runs it: real processes, real engines, a real database in a fresh KLODY_HOME.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort, repositoryRoot, waitForHttp } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { decodeWav } from '@klody/voice';
import { afterAll, describe, expect, it } from 'vitest';
import { toneClip } from './support/tone-clip.js';

const root = repositoryRoot();
// tsx by its file: the commands may run in any folder, where `--import tsx` would not resolve.
const tsx = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs'),
).href;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function vocalbrain(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = root): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@klody/source', '--import', tsx, join(root, 'apps/vocalbrain/src/cli.ts'), ...args],
      {
        cwd,
        env: { ...process.env, KLODY_GATEWAY_URL: 'none', KLODY_LOG_LEVEL: 'warn', ...env },
        encoding: 'buffer',
        maxBuffer: 64 * 1024 * 1024,
        timeout: 120_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8') });
      },
    );
  });
}

const homes: string[] = [];
const home = () => {
  const folder = mkdtempSync(join(tmpdir(), 'vocalbrain-cli-'));
  homes.push(folder);
  return folder;
};
afterAll(() => {
  for (const folder of homes) rmSync(folder, { recursive: true, force: true });
});
const oneJsonLine = (run: Run) => {
  expect(run.stdout.endsWith('\n')).toBe(true);
  expect(run.stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(run.stdout) as Record<string, unknown>;
};

describeRequiring({ tools: ['espeak-ng'] }, 'vocalbrain say', () => {
  it("runs the README's opening command as written, without a server", async () => {
    const readme = readFileSync(join(root, 'apps/vocalbrain/README.md'), 'utf8');
    const opening = /```sh\n(.+)\n```/.exec(readme)?.[1] ?? '';
    expect(opening).toMatch(/^pnpm vocalbrain say "[^"]+" --out hello\.wav$/);
    const text = /say "([^"]+)"/.exec(opening)?.[1] as string;
    const folder = home();
    const run = await vocalbrain(['say', text, '--out', 'hello.wav'], { KLODY_HOME: folder }, folder);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('hello.wav');
    const wav = decodeWav(readFileSync(join(folder, 'hello.wav')));
    expect((wav.channels[0]?.length ?? 0) / wav.sampleRate).toBeGreaterThan(0.5);
  }, 120_000);

  it('prints one JSON line with --json, and writes the WAV to a pipe without --out', async () => {
    const folder = home();
    const json = await vocalbrain(
      ['say', 'Bonjour à tous.', '--voice', 'espeak-ng/fr-fr', '--out', join(folder, 'fr.wav'), '--json'],
      { KLODY_HOME: folder },
    );
    expect(json.code).toBe(0);
    expect(oneJsonLine(json)).toMatchObject({
      engine: 'espeak-ng',
      voice: 'fr-fr',
      file: join(folder, 'fr.wav'),
    });
    const piped = await vocalbrain(['say', 'Hello.', '--voice', 'espeak-ng/en-us'], { KLODY_HOME: folder });
    expect(piped.code).toBe(0);
    expect(piped.stdout.slice(0, 4)).toBe('RIFF');
  }, 120_000);

  it('says what is wrong, with exit 2: an empty text, an unknown voice, an unknown flag', async () => {
    const folder = home();
    const empty = await vocalbrain(['say', '   ', '--json'], { KLODY_HOME: folder });
    expect(empty.code).toBe(2);
    expect(oneJsonLine(empty)).toMatchObject({ error: { code: 'empty_text' } });
    const unknown = await vocalbrain(['say', 'Hello.', '--voice', 'espeak-ng/en-uss', '--json'], {
      KLODY_HOME: folder,
    });
    expect(unknown.code).toBe(2);
    const error = oneJsonLine(unknown).error as { message: string };
    expect(error.message).toContain('en-uss');
    expect(error.message).toContain('en-us');
    const flag = await vocalbrain(['say', 'Hello.', '--loud', '--json'], { KLODY_HOME: folder });
    expect(flag.code).toBe(2);
    expect(oneJsonLine(flag)).toMatchObject({ error: { code: 'invalid_usage' } });
  }, 120_000);
});

describeRequiring(
  { tools: ['espeak-ng'], models: ['whisper-base'] },
  'vocalbrain transcribe, voices, profiles',
  () => {
    it('transcribes a WAV in this process, as text or one JSON line', async () => {
      const folder = home();
      const file = join(folder, 'weather.wav');
      execFileSync('espeak-ng', ['-v', 'en-us', '-w', file, 'Tomorrow will be sunny with a light wind.']);
      const run = await vocalbrain(['transcribe', file, '--language', 'en', '--json'], {
        KLODY_HOME: folder,
      });
      expect(run.code).toBe(0);
      const transcript = oneJsonLine(run) as { text: string; language: string; engine: string };
      expect(transcript.engine).toBe('faster-whisper');
      expect(transcript.text.toLowerCase()).toContain('sunny');
      const missing = await vocalbrain(['transcribe', join(folder, 'nope.wav')], { KLODY_HOME: folder });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('no such file');
    }, 120_000);

    it('lists the voices of the engines that run here, and the profiles', async () => {
      const folder = home();
      const voices = oneJsonLine(await vocalbrain(['voices', '--json'], { KLODY_HOME: folder })) as {
        voices: { id: string }[];
      };
      expect(voices.voices.map((voice) => voice.id)).toContain('espeak-ng/fr-fr');
      expect(oneJsonLine(await vocalbrain(['profiles', '--json'], { KLODY_HOME: folder }))).toEqual({
        profiles: [],
      });
    }, 120_000);
  },
);

describe('vocalbrain library', () => {
  // No transcriber (an empty models folder): these tests are about the library, not Whisper.
  const env = (folder: string) => ({ KLODY_HOME: folder, KLODY_MODELS_DIR: join(folder, 'no-models') });

  it('adds, finds, lists and removes a track on the database, with one JSON line each', async () => {
    const folder = home();
    const file = join(folder, 'harbour.wav');
    writeFileSync(file, toneClip([392, 330, 262]));
    const added = await vocalbrain(
      [
        'library',
        'add',
        file,
        '--description',
        'Foghorns and seagulls in a harbour',
        '--tags',
        'sea, harbour',
        '--json',
      ],
      env(folder),
    );
    expect(added.code).toBe(0);
    const track = oneJsonLine(added).track as {
      id: number;
      tags: string[];
      audioUrl: string;
      wordsNote: string;
    };
    expect(track.tags).toEqual(['sea', 'harbour']);
    expect(track.wordsNote).toContain('no transcriber');
    const found = await vocalbrain(['library', 'find', 'seagulls', '--json'], env(folder));
    expect(found.code).toBe(0);
    expect(oneJsonLine(found)).toMatchObject({ mode: 'lexical', tracks: [{ id: track.id, rank: 1 }] });
    const human = await vocalbrain(['library', 'find', 'seagulls'], env(folder));
    expect(human.stdout).toContain(track.audioUrl);
    expect(human.stderr).toContain('lexical search only');
    const nothing = await vocalbrain(['library', 'find', 'violin concerto', '--json'], env(folder));
    expect(nothing.code).toBe(1);
    expect(oneJsonLine(nothing)).toMatchObject({ tracks: [] });
    const listed = await vocalbrain(['library', 'list', '--json'], env(folder));
    expect((oneJsonLine(listed).tracks as unknown[]).length).toBe(1);
    const removed = await vocalbrain(['library', 'remove', String(track.id), '--json'], env(folder));
    expect(removed.code).toBe(0);
    expect(oneJsonLine(removed)).toEqual({ removed: track.id });
    expect((await vocalbrain(['library', 'remove', String(track.id)], env(folder))).code).toBe(1);
  }, 120_000);

  it('refuses a missing file and a file that is not audio with exit 2, keeping nothing', async () => {
    const folder = home();
    const missing = await vocalbrain(
      ['library', 'add', join(folder, 'nope.wav'), '--description', 'x', '--json'],
      env(folder),
    );
    expect(missing.code).toBe(2);
    expect(oneJsonLine(missing)).toMatchObject({ error: { code: 'invalid_usage' } });
    const text = join(folder, 'notes.wav');
    writeFileSync(text, 'these are not samples');
    const broken = await vocalbrain(['library', 'add', text, '--description', 'x', '--json'], env(folder));
    expect(broken.code).toBe(2);
    expect(oneJsonLine(broken)).toMatchObject({ error: { code: 'invalid_audio' } });
    const listed = await vocalbrain(['library', 'list', '--json'], env(folder));
    expect(oneJsonLine(listed)).toEqual({ tracks: [] });
    const badEmbedder = await vocalbrain(['library', 'list', '--json'], {
      ...env(folder),
      KLODY_EMBEDDER: 'word2vec',
    });
    expect(badEmbedder.code).toBe(2);
    expect(oneJsonLine(badEmbedder)).toMatchObject({ error: { code: 'invalid_configuration' } });
  }, 120_000);
});

describe('vocalbrain jobs', () => {
  const reaper = useProcessReaper();

  it("lists the running server's jobs, a job submitted to it included", async () => {
    const folder = home();
    const port = await freePort();
    reaper.spawn(
      process.execPath,
      [
        '--conditions=@klody/source',
        '--import',
        tsx,
        join(root, 'apps/vocalbrain/src/cli.ts'),
        'serve',
        '--port',
        String(port),
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          KLODY_HOME: folder,
          KLODY_GATEWAY_URL: 'none',
          KLODY_VOCALBRAIN_CALIBRATE: '0',
        },
      },
    );
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/health`, { timeoutMs: 60_000 });
    const env = { KLODY_HOME: folder, KLODY_VOCALBRAIN_URL: url };
    expect(oneJsonLine(await vocalbrain(['jobs', '--json'], env))).toEqual({ jobs: [] });
    const submitted = await fetch(`${url}/api/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: 'One sentence for the queue.', voice: 'espeak-ng/en-us' }),
    });
    expect(submitted.status).toBe(202);
    const { job } = (await submitted.json()) as { job: { id: string } };
    const listed = oneJsonLine(await vocalbrain(['jobs', '--json'], env)).jobs as { id: string }[];
    expect(listed.map((entry) => entry.id)).toEqual([job.id]);
    const human = await vocalbrain(['jobs'], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(job.id);
  }, 120_000);

  it('names the server it could not reach, with exit 1', async () => {
    const port = await freePort();
    const run = await vocalbrain(['jobs', '--json'], {
      KLODY_HOME: home(),
      KLODY_VOCALBRAIN_URL: `http://127.0.0.1:${port}`,
    });
    expect(run.code).toBe(1);
    const error = oneJsonLine(run).error as { code: string; message: string };
    expect(error.code).toBe('organ_unreachable');
    expect(error.message).toContain(`http://127.0.0.1:${port}`);
  });
});
