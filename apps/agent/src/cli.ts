#!/usr/bin/env node
// `pnpm agent <command>`: stdout carries the result only (with --json, one line of JSON); logs go to
// stderr. Exit 0 success, 1 the command ran and failed, 2 bad usage or configuration (CONTRACTS.md).
import { parseCommandLine } from '@klody/service';
import { Command, InvalidArgumentError, Option } from 'commander';
import { runCli } from './cli/run-cli.js';
import { yesOrNo } from './cli/yes-or-no.js';
import type { KnowledgeKindName } from './knowledge/knowledge-kind.js';

function port(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 65_535)
    throw new InvalidArgumentError('must be a port between 1 and 65535');
  return number;
}

const collect = (value: string, previous: string[]) => [...previous, value];

const program = new Command('agent')
  .description('Klody’s agent: it answers with its tools (books, voice, memory) and asks before it acts.')
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) })
  .showHelpAfterError(false);

program
  .command('chat')
  .description(
    'a conversation in the terminal; approvals are asked inline (oui/non/yes/no); exit or Ctrl-D leaves',
  )
  .option('--session <id>', 'continue a session')
  .action((options: { session?: string }) => runCli({ command: 'chat', session: options.session ?? null }));

program
  .command('ask')
  .description('one message, one turn, no question asked')
  .argument('<message>', 'your message, in French or English')
  .option('--session <id>', 'continue a session (a new one otherwise)')
  .addOption(
    new Option(
      '--approvals <mode>',
      'what needs an approval: leave it pending (ask) or deny it and go on (deny)',
    )
      .choices(['ask', 'deny'])
      .default('ask'),
  )
  .option('--json', 'print {"sessionId","answer","steps":[…]} as one JSON line')
  .action((message: string, options: { session?: string; approvals: 'ask' | 'deny'; json?: boolean }) =>
    runCli({
      command: 'ask',
      message,
      session: options.session ?? null,
      approvals: options.approvals,
      json: !!options.json,
    }),
  );

program
  .command('talk')
  .description(
    'speak to Klody: recordings with --in (each answers what Klody asked), or the microphone and speakers (arecord/aplay)',
  )
  .option('--in <wav>', 'a recording to say (repeat --in for the answers that follow)', collect, [])
  .option('--out <wav>', 'write what Klody said to this WAV file')
  .option('--session <id>', 'continue a session (a new one otherwise)')
  .addOption(
    new Option('--approvals <mode>', 'what needs an approval: ask aloud (ask) or refuse it (deny)')
      .choices(['ask', 'deny'])
      .default('ask'),
  )
  .addOption(
    new Option(
      '--duplex <mode>',
      'half: the microphone is ignored while Klody speaks; full: you may interrupt it',
    )
      .choices(['half', 'full'])
      .default('half'),
  )
  .option('--language <code>', 'the language you speak (fr, en); detected otherwise')
  .option('--json', 'print {"transcript","answer","steps","metrics",…} as one JSON line')
  .action(
    (options: {
      in: string[];
      out?: string;
      session?: string;
      approvals: 'ask' | 'deny';
      duplex: 'half' | 'full';
      language?: string;
      json?: boolean;
    }) =>
      runCli({
        command: 'talk',
        inputs: options.in,
        out: options.out ?? null,
        session: options.session ?? null,
        approvals: options.approvals,
        duplex: options.duplex,
        language: options.language ?? null,
        json: !!options.json,
      }),
  );

program
  .command('approvals')
  .description('list the approvals waiting for a decision')
  .option('--session <id>', 'only this session')
  .option('--json', 'print the list as one JSON line')
  .action((options: { session?: string; json?: boolean }) =>
    runCli({ command: 'approvals', session: options.session ?? null, json: !!options.json }),
  );

for (const decision of ['approve', 'deny'] as const) {
  program
    .command(decision)
    .description(`${decision} a pending approval and continue its turn`)
    .argument('<approvalId>', 'the approval (pnpm agent approvals lists them)')
    .option('--session <id>', 'the session it belongs to (checked when given)')
    .option('--json', 'print the continued turn as one JSON line, like ask')
    .action((approvalId: string, options: { session?: string; json?: boolean }) =>
      runCli({
        command: 'decide',
        decision,
        approvalId,
        session: options.session ?? null,
        json: !!options.json,
      }),
    );
}

program
  .command('resume')
  .description('answer a turn stopped at max steps or on a repeated call: go on (yes/oui) or end it (no/non)')
  .argument('<answer>', 'yes, oui, no or non', (value: string) => {
    const answer = yesOrNo(value);
    if (answer === null) throw new InvalidArgumentError('must be yes, oui, no or non');
    return answer;
  })
  .requiredOption('--session <id>', 'the session whose turn stopped')
  .option('--json', 'print the continued turn as one JSON line, like ask')
  .action((goOn: boolean, options: { session: string; json?: boolean }) =>
    runCli({ command: 'resume', goOn, session: options.session, json: !!options.json }),
  );

program
  .command('backfill')
  .description('mirror stored turns into the agent’s semantic memory (a second run adds nothing)')
  .option('--json', 'print the counts as one JSON line')
  .action((options: { json?: boolean }) => runCli({ command: 'backfill', json: !!options.json }));

const knowledge = program
  .command('knowledge')
  .description(
    'what the agent knows of you: your documents, chat exports, notes and code, searched by search_my_knowledge',
  );

knowledge
  .command('add')
  .description(
    'add a file or folder (the kind is detected: .zip/.json chat export, .obsidian vault, git repository, documents)',
  )
  .argument('<path>', 'a file or folder')
  .addOption(
    new Option('--kind <kind>', 'override detection').choices([
      'documents',
      'conversations',
      'notes',
      'repository',
    ]),
  )
  .option('--dry-run', 'say what would be added, updated or removed, and change nothing')
  .option('--json', 'print the result as one JSON line')
  .action((path: string, options: { kind?: KnowledgeKindName; dryRun?: boolean; json?: boolean }) =>
    runCli({
      command: 'knowledge-add',
      path,
      kind: options.kind ?? null,
      dryRun: !!options.dryRun,
      json: !!options.json,
    }),
  );

knowledge
  .command('sync')
  .description('sync every added path again (or one): changed files are replaced, removed ones deleted')
  .argument('[path]', 'one added path')
  .option('--dry-run', 'say what would change, and change nothing')
  .option('--json', 'print the results as one JSON line')
  .action((path: string | undefined, options: { dryRun?: boolean; json?: boolean }) =>
    runCli({ command: 'knowledge-sync', path: path ?? null, dryRun: !!options.dryRun, json: !!options.json }),
  );

knowledge
  .command('list')
  .description('the added paths, with their kind, sources, passages and last sync')
  .option('--json', 'print the list as one JSON line')
  .action((options: { json?: boolean }) => runCli({ command: 'knowledge-list', json: !!options.json }));

knowledge
  .command('remove')
  .description('forget an added path and delete its sources from the agent’s database (your files stay)')
  .argument('<path>', 'an added path')
  .option('--json', 'print the result as one JSON line')
  .action((path: string, options: { json?: boolean }) =>
    runCli({ command: 'knowledge-remove', path, json: !!options.json }),
  );

const mcp = program
  .command('mcp')
  .description('the MCP servers of $KLODY_HOME/agent/mcp.yaml whose tools the agent uses');

mcp
  .command('list')
  .description('start the servers, then show their state and their tools with effect and pin')
  .option('--json', 'print the list as one JSON line')
  .action((options: { json?: boolean }) => runCli({ command: 'mcp-list', json: !!options.json }));

mcp
  .command('approve')
  .description('trust again a tool whose definition changed (all changed tools of the server without <tool>)')
  .argument('<server>', 'the server, as named in mcp.yaml')
  .argument('[tool]', 'the tool, as the server names it (or <server>__<tool>)')
  .option('--json', 'print the approved tools as one JSON line')
  .action((server: string, tool: string | undefined, options: { json?: boolean }) =>
    runCli({ command: 'mcp-approve', server, tool: tool ?? null, json: !!options.json }),
  );

program
  .command('serve')
  .description('start the HTTP API and web page on 127.0.0.1 (KLODY_AGENT_PORT, default 8000)')
  .option('--port <n>', 'port', port)
  .action((options: { port?: number }) => runCli({ command: 'serve', port: options.port ?? null }));

const usageExit = await parseCommandLine(program);
if (usageExit !== null) process.exit(usageExit);
