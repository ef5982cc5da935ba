#!/usr/bin/env node
// `pnpm vocalbrain <command>`: stdout carries the result only (with --json, one line of JSON); logs
// and notes go to stderr. Exit 0 success, 1 the command ran and the answer is no (nothing found, a
// failure while it ran), 2 bad usage, configuration or input (CONTRACTS.md).
import { parseCommandLine } from '@klody/service';
import { Command, InvalidArgumentError } from 'commander';
import { runCli } from './cli/run-cli.js';

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('must be a positive integer');
  return number;
}

function speed(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0.25 || number > 4)
    throw new InvalidArgumentError('must be 0.25 to 4');
  return number;
}

const tagList = (value: string) =>
  value
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);

const program = new Command('vocalbrain')
  .description('Speech synthesis and recognition, voice profiles, long jobs and an audio library.')
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) })
  .showHelpAfterError(false);

program
  .command('say')
  .description('speak a text in this process (no server needed) and write a WAV file')
  .argument('<text>', 'what to say, in English or French')
  .option('--voice <voice>', 'a voice (engine/voice, e.g. espeak-ng/fr) or a profile')
  .option('--profile <name>', 'a voice profile')
  .option('--model <model>', 'an engine (espeak-ng, piper) or auto')
  .option('--speed <n>', 'speaking rate, 0.25 to 4', speed)
  .option('--out <file>', 'the WAV file (default: stdout when piped, else ./vocalbrain-say.wav)')
  .option('--json', 'print what was written as one JSON line')
  .action(
    (
      text: string,
      options: {
        voice?: string;
        profile?: string;
        model?: string;
        speed?: number;
        out?: string;
        json?: boolean;
      },
    ) =>
      runCli({
        command: 'say',
        text,
        voice: options.voice ?? null,
        profile: options.profile ?? null,
        model: options.model ?? null,
        speed: options.speed ?? null,
        out: options.out ?? null,
        json: !!options.json,
      }),
  );

program
  .command('transcribe')
  .description('the words of an audio file (WAV; other formats with ffmpeg), in this process')
  .argument('<file>', 'the audio file')
  .option('--language <tag>', 'the language spoken (en, fr); detected otherwise')
  .option('--json', 'print the transcript as one JSON line')
  .action((file: string, options: { language?: string; json?: boolean }) =>
    runCli({ command: 'transcribe', file, language: options.language ?? null, json: !!options.json }),
  );

program
  .command('voices')
  .description('the voices of the engines that run here')
  .option('--json', 'print the list as one JSON line')
  .action((options: { json?: boolean }) => runCli({ command: 'voices', json: !!options.json }));

program
  .command('profiles')
  .description('the voice profiles')
  .option('--json', 'print the list as one JSON line')
  .action((options: { json?: boolean }) => runCli({ command: 'profiles', json: !!options.json }));

program
  .command('jobs')
  .description("the running server's jobs (KLODY_VOCALBRAIN_URL), with their progress")
  .option('--json', 'print the list as one JSON line')
  .action((options: { json?: boolean }) => runCli({ command: 'jobs', json: !!options.json }));

const library = program
  .command('library')
  .description('the audio library: add tracks, find them by description');

library
  .command('add')
  .description('add an audio file with a description and tags (its words are transcribed when possible)')
  .argument('<file>', 'WAV (MP3, OGG, FLAC… with ffmpeg)')
  .requiredOption('--description <text>', 'what the track sounds like')
  .option('--tags <list>', 'comma-separated tags', tagList, [] as string[])
  .option('--title <title>', 'a title (default: the file name)')
  .option('--json', 'print the track as one JSON line')
  .action((file: string, options: { description: string; tags: string[]; title?: string; json?: boolean }) =>
    runCli({
      command: 'library-add',
      file,
      description: options.description,
      tags: options.tags,
      title: options.title ?? null,
      json: !!options.json,
    }),
  );

library
  .command('find')
  .description('tracks that match a description, by meaning (with the gateway) or by words')
  .argument('<description>', 'e.g. "a sad piano song"')
  .option('--k <n>', 'how many tracks', positiveInteger, 5)
  .option('--json', 'print the tracks as one JSON line')
  .action((description: string, options: { k: number; json?: boolean }) =>
    runCli({ command: 'library-find', description, k: options.k, json: !!options.json }),
  );

library
  .command('list')
  .description('every track')
  .option('--json', 'print the tracks as one JSON line')
  .action((options: { json?: boolean }) => runCli({ command: 'library-list', json: !!options.json }));

library
  .command('remove')
  .description('remove a track and its file')
  .argument('<id>', 'the track id', positiveInteger)
  .option('--json', 'print the removed id as one JSON line')
  .action((id: number, options: { json?: boolean }) =>
    runCli({ command: 'library-remove', id, json: !!options.json }),
  );

program
  .command('serve')
  .description('start the HTTP API and web page on 127.0.0.1 (KLODY_VOCALBRAIN_PORT, default 8600)')
  .option('--port <n>', 'port', (value: string) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < 0 || number > 65_535)
      throw new InvalidArgumentError('must be a port');
    return number;
  })
  .action((options: { port?: number }) => runCli({ command: 'serve', port: options.port ?? null }));

program
  .command('mcp')
  .description(
    'serve the MCP tools (speak, transcribe, find_track) over stdin/stdout, for Claude Desktop, Claude Code or VS Code',
  )
  .action(() => runCli({ command: 'mcp' }));

const usageExit = await parseCommandLine(program);
if (usageExit !== null) process.exit(usageExit);
