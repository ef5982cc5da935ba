// `pnpm agent knowledge …` and a conversation about "my" material, as a user runs them: real
// processes, a real agent.db in a temporary KLODY_HOME, a real PDF and DOCX CV, and the scripted
// OpenAI-compatible server in place of the gateway (the model's words are scripted, the rest is real).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCvDocx, buildCvPdf } from '../src/knowledge/testing/cv-fixtures.js';
import { type FakeOpenAIServer, startFakeOpenAIServer } from './fake-openai-server.js';
import { onlyJsonLine, runAgentCli } from './run-agent-cli.js';

let gateway: FakeOpenAIServer;
let home: string;
let env: Record<string, string>;
const agent = (...args: string[]) => runAgentCli(args, env);

beforeAll(async () => {
  gateway = await startFakeOpenAIServer();
  home = mkdtempSync(join(tmpdir(), 'klody-agent-knowledge-cli-'));
  env = {
    KLODY_HOME: join(home, 'klody'),
    KLODY_GATEWAY_URL: gateway.url,
    KLODY_LIBRARY_BRAIN_URL: 'none',
    KLODY_VOCALBRAIN_URL: 'none',
    KLODY_LOG_LEVEL: 'warn',
  };
});

afterAll(async () => {
  await gateway.close();
  rmSync(home, { recursive: true, force: true });
});

interface SyncJson {
  path: string;
  kind: string;
  dryRun: boolean;
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  failed: unknown[];
  passages: number;
}

describe('pnpm agent knowledge', () => {
  it('add, sync, list, remove with --json; a bad path is exit 2 with a JSON error', async () => {
    const folder = join(home, 'me');
    mkdirSync(folder);
    writeFileSync(join(folder, 'cv.pdf'), buildCvPdf());
    writeFileSync(join(folder, 'cv.docx'), buildCvDocx());

    const added = await agent('knowledge', 'add', folder, '--json');
    expect(added.code).toBe(0);
    expect(onlyJsonLine(added.stdout)).toMatchObject({
      path: folder,
      kind: 'documents',
      dryRun: false,
      added: 2,
      updated: 0,
      removed: 0,
      failed: [],
    } satisfies Partial<SyncJson>);

    const synced = await agent('knowledge', 'sync', '--json');
    expect(synced.code).toBe(0);
    expect((onlyJsonLine(synced.stdout) as { roots: SyncJson[] }).roots).toEqual([
      expect.objectContaining({ path: folder, added: 0, updated: 0, unchanged: 2, removed: 0 }),
    ]);

    const listed = await agent('knowledge', 'list', '--json');
    expect(listed.code).toBe(0);
    const { roots } = onlyJsonLine(listed.stdout) as { roots: Record<string, unknown>[] };
    expect(roots).toEqual([
      expect.objectContaining({
        path: folder,
        kind: 'documents',
        sources: 2,
        lastSyncedAt: expect.any(String),
      }),
    ]);

    const missing = join(home, 'no-such-cv.pdf');
    const bad = await agent('knowledge', 'add', missing, '--json');
    expect(bad.code).toBe(2);
    expect(onlyJsonLine(bad.stdout)).toEqual({
      error: { code: 'path_not_found', message: `no file or folder at ${missing}` },
    });
    expect(bad.stderr).toContain(missing);

    const people = await agent('knowledge', 'list');
    expect(people.stdout).toMatch(/path\s+kind\s+sources\s+passages\s+last sync\n.*documents\s+2\s+/);

    const removed = await agent('knowledge', 'remove', folder, '--json');
    expect(removed.code).toBe(0);
    expect(onlyJsonLine(removed.stdout)).toEqual({ path: folder, kind: 'documents', removedSources: 2 });
    expect(onlyJsonLine((await agent('knowledge', 'list', '--json')).stdout)).toEqual({ roots: [] });
  });

  it('the agent answers about my CV through search_my_knowledge, with the label to cite', async () => {
    const cv = join(home, 'cv.pdf');
    writeFileSync(cv, buildCvPdf());
    expect((await agent('knowledge', 'add', cv)).code).toBe(0);
    gateway.replies.push(
      { toolCalls: [{ name: 'search_my_knowledge', arguments: { query: 'gateway scheduler job' } }] },
      { text: ['You are a senior engineer at Klody and wrote the gateway scheduler (cv.pdf, pages 1-2).'] },
    );
    const asked = await agent('ask', 'What does my CV say I do?', '--json');
    expect(asked.code).toBe(0);
    const result = onlyJsonLine(asked.stdout) as {
      answer: string;
      steps: { tool: string; effect: string; status: string; output: string }[];
    };
    expect(result.steps[0]).toMatchObject({ tool: 'search_my_knowledge', effect: 'read', status: 'done' });
    expect(result.steps[0]?.output).toContain(
      '[1] (cv.pdf, pages 1-2) Alice Martin Senior engineer at Klody',
    );
    expect(result.answer).toContain('(cv.pdf, pages 1-2)');
    // The model was offered the tool, and its first request carried the CV's passage in the context.
    const first = gateway.requests.at(-2)?.body;
    expect(first?.tools?.map((tool) => tool.function.name)).toContain('search_my_knowledge');
    expect(JSON.stringify(first?.messages[0])).toContain('cv.pdf, pages 1-2');
  });

  it('adds a ChatGPT export, an Obsidian vault and this repository, and cites a message, a note and lines', async () => {
    const fixtures = resolve(import.meta.dirname, '../../../packages/memory/fixtures');
    const vault = join(home, 'vault');
    cpSync(join(fixtures, 'notes'), vault, { recursive: true });
    const chunkerFolder = resolve(import.meta.dirname, '../../../packages/memory/src/chunker');
    const exported = await agent(
      'knowledge',
      'add',
      join(fixtures, 'conversations/chatgpt/conversations.json'),
      '--json',
    );
    expect(exported.code, exported.stderr).toBe(0);
    expect(onlyJsonLine(exported.stdout)).toMatchObject({ kind: 'conversations', added: 2, failed: [] });
    const notes = await agent('knowledge', 'add', vault, '--json');
    expect(notes.code, notes.stderr).toBe(0);
    expect(onlyJsonLine(notes.stdout)).toMatchObject({ kind: 'notes', failed: [] });
    expect((onlyJsonLine(notes.stdout) as SyncJson).added).toBeGreaterThan(3);
    const code = await agent('knowledge', 'add', chunkerFolder, '--kind', 'repository', '--json');
    expect(code.code, code.stderr).toBe(0);
    expect(onlyJsonLine(code.stdout)).toMatchObject({ kind: 'repository', failed: [] });
    // A second sync of everything changes nothing.
    const again = onlyJsonLine((await agent('knowledge', 'sync', '--json')).stdout) as { roots: SyncJson[] };
    for (const root of again.roots)
      expect(root, root.path).toMatchObject({ added: 0, updated: 0, removed: 0 });

    gateway.replies.push(
      {
        toolCalls: [
          {
            name: 'search_my_knowledge',
            arguments: { query: 'EXIF photo renamer Rust', kind: 'conversation' },
          },
        ],
      },
      { text: ['Rust with clap.'] },
      {
        toolCalls: [
          { name: 'search_my_knowledge', arguments: { query: 'Klody local agent SQLite', tag: 'project' } },
        ],
      },
      { text: ['A local agent.'] },
      {
        toolCalls: [
          {
            name: 'search_my_knowledge',
            arguments: { query: 'createStructuralChunker', kind: 'code' },
          },
        ],
      },
      { text: ['In the chunker.'] },
    );
    const outputOf = async (question: string): Promise<string> => {
      const asked = await agent('ask', question, '--json');
      expect(asked.code, asked.stderr).toBe(0);
      const step = (onlyJsonLine(asked.stdout) as { steps: { tool: string; output: string }[] }).steps[0];
      expect(step?.tool).toBe('search_my_knowledge');
      return step?.output ?? '';
    };
    // The passage is cited with the conversation and its message (the user's question or ChatGPT's answer).
    expect(await outputOf('What did ChatGPT advise for my photo renamer?')).toMatch(
      /^\[1\] \(ChatGPT conversation "Rust or Go for a command-line tool", (user|assistant) message of 20\d\d-\d\d-\d\d\)/m,
    );
    expect(await outputOf('What is my Klody project?')).toMatch(/^\[1\] \(note Projects\/Klody\.md\)/m);
    // A code passage is cited as path:first-last, and those lines of the file hold the passage.
    const output = await outputOf('Where is the structural chunker made?');
    const cited = /^\[1\] \((packages\/memory\/src\/chunker\/[\w.-]+):(\d+)-(\d+)\) (.+)$/m.exec(output);
    expect(cited, output).not.toBeNull();
    const [, path, first, last, quoted] = cited as unknown as [string, string, string, string, string];
    const lines = readFileSync(resolve(import.meta.dirname, '../../..', path), 'utf8')
      .split('\n')
      .slice(Number(first) - 1, Number(last))
      .join(' ')
      .replace(/\s+/g, ' ');
    expect(lines).toContain(quoted.replace(/\s+/g, ' ').replace(/….*$/, '').trim().slice(0, 40));
  });
});
