import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { keepStdoutForProtocol, serveOverStdio } from '@klody/mcp';
import {
  ConfigurationError,
  createLogger,
  reportCommandFailure,
  ServiceError,
  stopOnSignals,
  usageError,
} from '@klody/service';
import { findExecutable, VoiceError } from '@klody/voice';
import { readConfig, type VocalBrainConfig } from '../config/config.js';
import { openVocalBrainDatabase } from '../database/open-database.js';
import { chooseTranscriptionEngine } from '../engines/choose-transcription-engine.js';
import { startServer } from '../http/start-server.js';
import { openTrackLibrary, readTrackAudio, type TrackLibrary } from '../library/index.js';
import { createVocalBrainMcpServer } from '../mcp/index.js';
import { createServices, type Services } from '../services.js';
import { synthesizeSpeech } from '../speech/index.js';
import type { CliCommand } from './cli-command.js';
import { formatTrack } from './format.js';

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

const note = (message: string) => process.stderr.write(`${message}\n`);

/** The engines, voices and profiles in this process, without the start-up calibration. */
async function withServices<T>(
  config: VocalBrainConfig,
  job: (services: Services) => Promise<T>,
): Promise<T> {
  const services = await createServices({ ...config, calibrate: false });
  try {
    return await job(services);
  } finally {
    await services.close();
  }
}

/**
 * The library straight on VocalBrain's database (WAL: a running server may share it), so that
 * `library add` and `find` work whether the server runs or not.
 */
async function withLibrary<T>(
  config: VocalBrainConfig,
  job: (library: TrackLibrary) => Promise<T>,
): Promise<T> {
  const database = openVocalBrainDatabase(config.databasePath);
  try {
    const library = await openTrackLibrary(config, database);
    try {
      return await job(library);
    } finally {
      await library.close();
    }
  } finally {
    database.close();
  }
}

async function say(
  config: VocalBrainConfig,
  command: Extract<CliCommand, { command: 'say' }>,
): Promise<number> {
  if (command.profile && command.model) usageError('--profile and --model both name who speaks: give one');
  return withServices(config, async (services) => {
    const speech = await synthesizeSpeech(
      services,
      {
        input: command.text,
        model: command.profile ?? command.model ?? undefined,
        voice: command.voice ?? undefined,
        speed: command.speed ?? undefined,
      },
      { format: 'wav' },
    );
    const { speaker, duration } = speech;
    const summary = {
      engine: speaker.engine.id,
      voice: speaker.voice,
      profile: speaker.profile,
      route: speaker.route,
      sampleRate: speech.sampleRate,
      duration,
    };
    // Without --out: the WAV on stdout when it goes to a pipe (`… | aplay`), else a file here.
    if (!command.out && !command.json && !process.stdout.isTTY) {
      process.stdout.write(speech.audio);
      note(`${speaker.route} · ${duration.toFixed(2)} s`);
      return 0;
    }
    const out = resolve(command.out ?? 'vocalbrain-say.wav');
    await writeFile(out, speech.audio);
    if (command.json) printJson({ file: out, ...summary });
    else process.stdout.write(`${out} (${duration.toFixed(2)} s, ${speaker.route})\n`);
    return 0;
  });
}

async function transcribe(
  config: VocalBrainConfig,
  command: Extract<CliCommand, { command: 'transcribe' }>,
): Promise<number> {
  if (!existsSync(command.file)) usageError(`no such file: ${command.file}`);
  const audio = await readTrackAudio(
    new Uint8Array(await readFile(command.file)),
    basename(command.file),
    findExecutable(config.ffmpegExecutable),
  );
  return withServices(config, async (services) => {
    const engine = await chooseTranscriptionEngine(services.engines, undefined);
    const heard = await engine.speechToText.transcribe(audio.speech, {
      ...(command.language ? { language: command.language } : {}),
    });
    if (command.json)
      printJson({
        text: heard.text,
        language: heard.language,
        duration: heard.duration,
        engine: engine.id,
        segments: heard.segments,
      });
    else process.stdout.write(`${heard.text.trim()}\n`);
    return 0;
  });
}

/** `KLODY_VOCALBRAIN_URL` (CONTRACTS.md), else this machine's VocalBrain on its port. */
function serverURL(config: VocalBrainConfig): string {
  const url = process.env.KLODY_VOCALBRAIN_URL?.trim();
  if (url?.toLowerCase() === 'none') usageError('KLODY_VOCALBRAIN_URL is none: jobs live in the server');
  return (url || `http://127.0.0.1:${config.port}`).replace(/\/+$/, '');
}

/** Jobs run in the server's process: the CLI asks it, so that it never runs a job itself. */
async function jobs(config: VocalBrainConfig, json: boolean): Promise<number> {
  const url = serverURL(config);
  const response = await fetch(`${url}/api/jobs`, {
    headers: config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {},
    signal: AbortSignal.timeout(10_000),
  }).catch((error: unknown) => {
    throw new ServiceError(
      'organ_unreachable',
      503,
      `VocalBrain is not running at ${url} (${error instanceof Error ? error.message : String(error)}); start it with pnpm vocalbrain serve`,
    );
  });
  const body = (await response.json().catch(() => null)) as {
    jobs?: {
      id: string;
      status: string;
      segmentsDone: number;
      segmentsTotal: number;
      reason: string | null;
    }[];
    error?: { code: string; message: string };
  } | null;
  if (!response.ok || !body?.jobs)
    throw new ServiceError(
      body?.error?.code ?? 'upstream_error',
      response.status >= 400 ? response.status : 502,
      `${url}/api/jobs: ${body?.error?.message ?? `answered ${response.status}`}`,
    );
  if (json) printJson({ jobs: body.jobs });
  else if (body.jobs.length === 0) process.stdout.write('no job\n');
  else
    for (const job of body.jobs)
      process.stdout.write(
        `${job.id}  ${job.status}  ${job.segmentsDone}/${job.segmentsTotal} segments${job.reason ? `  (${job.reason})` : ''}\n`,
      );
  return 0;
}

async function run(command: CliCommand, config: VocalBrainConfig): Promise<number> {
  switch (command.command) {
    case 'say':
      return say(config, command);
    case 'transcribe':
      return transcribe(config, command);
    case 'voices':
      return withServices(config, async (services) => {
        const list = await services.voices.list();
        if (command.json) printJson(list);
        else {
          for (const voice of list.voices)
            process.stdout.write(
              `${voice.id}  ${voice.name}  ${voice.languages.join(', ')}  (${voice.quality})\n`,
            );
          for (const line of list.notes) note(`note: ${line}`);
        }
        return 0;
      });
    case 'profiles':
      return withServices(config, async (services) => {
        const profiles = services.profiles.list();
        if (command.json) printJson({ profiles });
        else if (profiles.length === 0) process.stdout.write('no profile yet\n');
        else
          for (const profile of profiles)
            process.stdout.write(
              `${profile.name}  ${profile.engine}${profile.voice ? `/${profile.voice}` : ''}\n`,
            );
        return 0;
      });
    case 'jobs':
      return jobs(config, command.json);
    case 'library-add':
      if (!existsSync(command.file)) usageError(`no such file: ${command.file}`);
      return withLibrary(config, async (library) => {
        const track = await library.add({
          bytes: new Uint8Array(await readFile(command.file)),
          fileName: basename(command.file),
          description: command.description,
          tags: command.tags,
          ...(command.title ? { title: command.title } : {}),
        });
        if (command.json) printJson({ track });
        else process.stdout.write(`added\n${formatTrack(track)}   ${track.wordsNote}\n`);
        return 0;
      });
    case 'library-find':
      return withLibrary(config, async (library) => {
        const answer = await library.find(command.description, { limit: command.k });
        if (command.json) printJson({ query: command.description, ...answer });
        else {
          if (answer.tracks.length === 0) process.stdout.write('no track found\n');
          for (const track of answer.tracks) process.stdout.write(formatTrack(track));
          if (answer.note) note(`note: ${answer.note}`);
        }
        return answer.tracks.length > 0 ? 0 : 1;
      });
    case 'library-list':
      return withLibrary(config, async (library) => {
        const tracks = library.list();
        if (command.json) printJson({ tracks });
        else if (tracks.length === 0) process.stdout.write('the library is empty\n');
        else for (const track of tracks) process.stdout.write(formatTrack(track));
        return 0;
      });
    case 'library-remove':
      return withLibrary(config, async (library) => {
        const removed = await library.remove(command.id);
        if (command.json) printJson({ removed: removed ? command.id : null });
        else process.stdout.write(removed ? `removed track ${command.id}\n` : `no track ${command.id}\n`);
        return removed ? 0 : 1;
      });
    case 'serve':
      return serveForever(config, command.port);
    case 'mcp':
      return serveMcp(config);
  }
}

/**
 * The MCP tools over stdin and stdout, on the configuration `serve` reads (its database, engines and
 * library), for a client that starts VocalBrain itself (Claude Desktop, Claude Code, VS Code). stdout
 * carries protocol messages only: logs go to stderr, and console's stdout methods are sent there
 * before anything else runs. Jobs are not started here: they run in the server's process.
 */
async function serveMcp(config: VocalBrainConfig): Promise<number> {
  keepStdoutForProtocol();
  const logger = createLogger({ service: 'vocalbrain', level: config.logLevel });
  const services = await createServices(config, { logger });
  await serveOverStdio(createVocalBrainMcpServer(services), { onClose: () => services.close() });
  return 0;
}

async function serveForever(config: VocalBrainConfig, port: number | null): Promise<number> {
  const logger = createLogger({ service: 'vocalbrain', level: config.logLevel });
  const running = await startServer(config, { port: port ?? config.port, logger }).catch((error: unknown) => {
    // A port in use: the kit's message names it; say how to choose another.
    if (ConfigurationError.isInstance(error) && error.message.includes('cannot listen'))
      usageError(
        `${error.message.replace(/^vocalbrain: /, '')}; choose another port with --port or KLODY_VOCALBRAIN_PORT`,
      );
    throw error;
  });
  logger.info({ url: `${running.url}/` }, `VocalBrain listening on ${running.url}/`);
  // SIGTERM or SIGINT: requests in progress finish, the engines and the database close, exit 0.
  stopOnSignals(running);
  return new Promise<number>(() => {});
}

/** VocalBrain's own input errors (exit 2); its other voice errors are failures while running (exit 1). */
function classifyVoiceError(error: unknown): { code: string; exitCode: 1 | 2 } | null {
  if (!VoiceError.isInstance(error)) return null;
  const input = [
    'empty_text',
    'unknown_voice',
    'unknown_language',
    'invalid_audio',
    'empty_audio',
    'invalid_options',
  ];
  return { code: error.code, exitCode: input.includes(error.code) ? 2 : 1 };
}

function reportFailure(command: CliCommand, error: unknown): number {
  return reportCommandFailure({
    service: 'vocalbrain',
    error,
    // `serve` and `mcp` have no --json; `mcp`'s stdout belongs to the protocol.
    json: 'json' in command && command.json,
    classify: classifyVoiceError,
  });
}

/** Runs one CLI command and sets the exit code. */
export async function runCli(command: CliCommand): Promise<void> {
  let config: VocalBrainConfig;
  try {
    config = readConfig();
  } catch (error) {
    process.exitCode = reportFailure(command, error);
    return;
  }
  try {
    process.exitCode = await run(command, config);
  } catch (error) {
    process.exitCode = reportFailure(command, error);
  }
}
