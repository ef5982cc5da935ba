// Two `library-brain ingest` commands on one library at the same time, as a user starts them from two
// terminals: real processes, one real database file. Each once failed with "database is locked"
// (2 trials out of 3) because the ingester's transactions read before they wrote.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryRoot, testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, expect, it } from 'vitest';

const root = repositoryRoot();
const homes: string[] = [];
const trials = 3;

function libraryBrain(home: string, ...args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@klody/source', '--import', 'tsx', 'apps/library-brain/src/cli.ts', ...args],
      {
        cwd: root,
        env: { ...process.env, KLODY_HOME: home, KLODY_GATEWAY_URL: 'none' },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 90_000,
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data) => {
      stdout += String(data);
    });
    child.stderr.on('data', (data) => {
      stderr += String(data);
    });
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** The one JSON line a `--json` command prints, or what it printed instead (shown in a failure). */
function json(stdout: string): unknown {
  try {
    const lines = stdout.trimEnd().split('\n');
    if (lines.length === 1) return JSON.parse(lines[0] ?? '');
  } catch {}
  return { notOneJsonLine: stdout };
}

afterAll(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

describeRequiring(
  { data: ['books/fr/Candide.txt', 'books/en/11-0.txt'] },
  'two library-brain ingest commands on one library at once',
  () => {
    it(`both succeed and both books are searchable, in each of ${trials} trials`, async () => {
      // Whole shelves, so that each command writes several groups of passages (a transaction each)
      // and the two commands' transactions interleave.
      const shelves = [testDataPath('books', 'fr'), testDataPath('books', 'en')];
      const outcomes: unknown[] = [];
      for (let trial = 0; trial < trials; trial++) {
        const home = mkdtempSync(join(tmpdir(), 'klody-writers-'));
        homes.push(home);
        // The library exists before the two writers start: what is tested is two ingestions into one
        // library, not two processes creating its file.
        expect((await libraryBrain(home, 'books', '--json')).code).toBe(0);
        const ingests = await Promise.all(
          shelves.map((shelf) => libraryBrain(home, 'ingest', shelf, '--json')),
        );
        const searches = await Promise.all([
          libraryBrain(home, 'search', 'Pangloss meilleur des mondes possibles', '--k', '1', '--json'),
          libraryBrain(home, 'search', 'White Rabbit waistcoat pocket watch', '--k', '1', '--json'),
        ]);
        outcomes.push({
          trial,
          ingests: ingests.map((result) => ({
            code: result.code,
            summary: json(result.stdout),
            ...(result.code === 0 ? {} : { stderr: result.stderr }),
          })),
          topBooks: searches.map(
            (result) => (json(result.stdout) as { results?: { book: string }[] }).results?.[0]?.book,
          ),
        });
      }
      const ingested = (added: number) => ({
        code: 0,
        summary: expect.objectContaining({ added, failed: [] }),
      });
      expect(outcomes).toEqual(
        Array.from({ length: trials }, (_, trial) => ({
          trial,
          ingests: shelves.map((shelf) => ingested(readdirSync(shelf).length)),
          topBooks: ['Candide', 'Alice’s Adventures in Wonderland'],
        })),
      );
    }, 180_000);
  },
);
