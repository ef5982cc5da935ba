import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCvPdf } from '../knowledge/testing/cv-fixtures.js';
import { type KnowledgeBench, knowledgeBench } from '../knowledge/testing/knowledge-bench.js';
import { runKnowledgeCommand } from './knowledge-command.js';

let bench: KnowledgeBench;
afterEach(async () => {
  await bench.cleanup();
});

/** Streams that record what a command wrote; `isTTY` as a terminal or a pipe would say. */
function recordingStreams(isTTY: boolean) {
  const written = { stdout: '', stderr: '' };
  return {
    written,
    streams: {
      stdout: { write: (text: string) => (written.stdout += text) },
      stderr: { isTTY, write: (text: string) => (written.stderr += text) },
    },
  };
}

describe('pnpm agent knowledge, for people', () => {
  it('prints the counts, a progress line on a terminal, and the failures by name with exit 1', async () => {
    bench = knowledgeBench();
    const folder = join(bench.files, 'me');
    mkdirSync(folder);
    writeFileSync(join(folder, 'cv.pdf'), buildCvPdf());
    writeFileSync(join(folder, 'broken.pdf'), 'not a pdf at all');
    const terminal = recordingStreams(true);
    const code = await runKnowledgeCommand(
      { command: 'knowledge-add', path: folder, kind: null, dryRun: false, json: false },
      bench.knowledge,
      terminal.streams,
    );
    expect(code).toBe(1);
    expect(terminal.written.stdout).toContain(
      `${folder} (documents): 1 added, 0 updated, 0 unchanged, 0 removed, 1 failed, 1 passage written`,
    );
    expect(terminal.written.stdout).toContain(`failed ${join(folder, 'broken.pdf')}: `);
    expect(terminal.written.stderr).toContain(`1/1 sources, 1 passages — ${folder}`);

    // Through a pipe, stderr stays quiet (CONTRACTS.md: progress only on a terminal).
    const pipe = recordingStreams(false);
    await runKnowledgeCommand(
      { command: 'knowledge-sync', path: null, dryRun: true, json: false },
      bench.knowledge,
      pipe.streams,
    );
    expect(pipe.written.stderr).toBe('');
    expect(pipe.written.stdout).toContain(
      '1 unchanged, 0 would be removed, 1 failed (dry run: nothing changed)',
    );
  });

  it('lists the added paths as a table, and says how to add one when there is none', async () => {
    bench = knowledgeBench();
    const empty = recordingStreams(false);
    await runKnowledgeCommand({ command: 'knowledge-list', json: false }, bench.knowledge, empty.streams);
    expect(empty.written.stdout).toBe('nothing added yet: add a path with pnpm agent knowledge add <path>\n');
    const cv = join(bench.files, 'cv.pdf');
    writeFileSync(cv, buildCvPdf());
    await bench.knowledge.add(cv);
    const listed = recordingStreams(false);
    await runKnowledgeCommand({ command: 'knowledge-list', json: false }, bench.knowledge, listed.streams);
    const lines = listed.written.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^path\s+kind\s+sources\s+passages\s+last sync$/);
    expect(lines[1]).toMatch(new RegExp(`^${cv}\\s+documents\\s+1\\s+1\\s+\\d{4}-`));
  });
});
