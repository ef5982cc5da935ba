import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCranfield, readSquad } from './datasets.js';

const run = promisify(execFile);
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(packageRoot, 'src/eval/cli.ts');

async function klodyEval(args: string[]) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', '--conditions=@klody/source', cli, ...args],
      {
        cwd: packageRoot,
        env: { ...process.env, KLODY_HOME: join(tmpdir(), 'klody-eval-home-none') },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe('labelled set readers', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'klody-eval-sets-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('reads SQuAD: one passage per paragraph, each question judged on its own paragraph', async () => {
    const path = join(folder, 'squad.json');
    await writeFile(
      path,
      JSON.stringify({
        version: '1.1',
        data: [
          {
            title: 'Light_house',
            paragraphs: [
              {
                context: 'A lighthouse guides ships.',
                qas: [{ id: 'q1', question: 'What guides ships?', answers: [] }],
              },
              {
                context: 'Keepers lived alone.',
                qas: [{ id: 'q2', question: 'Who lived alone?', answers: [] }],
              },
            ],
          },
        ],
      }),
    );
    const set = await readSquad(path);
    expect(set.passages).toEqual([
      { id: '0.0', title: 'Light house', text: 'A lighthouse guides ships.' },
      { id: '0.1', title: 'Light house', text: 'Keepers lived alone.' },
    ]);
    expect(set.questions.map((question) => [question.id, [...question.relevance]])).toEqual([
      ['q1', [['0.0', 1]]],
      ['q2', [['0.1', 1]]],
    ]);
  });
});

describeRequiring(
  { data: ['eval/cranfield-sample/cranqrel'] },
  'Cranfield reader on the format sample',
  () => {
    it('matches queries by position, maps grades to 5 − grade and ignores −1', async () => {
      const set = await readCranfield(testDataPath('eval', 'cranfield-sample'));
      expect(set.passages).toHaveLength(5);
      expect(set.passages.every((passage) => passage.text.length > 0 && !passage.text.includes('\r'))).toBe(
        true,
      );
      expect(set.questions).toHaveLength(3);
      expect([...(set.questions[0]?.relevance ?? [])]).toEqual([
        ['1', 4],
        ['4', 1],
      ]);
      expect([...(set.questions[1]?.relevance ?? [])]).toEqual([
        ['2', 4],
        ['4', 2],
      ]);
    });
  },
);

describeRequiring(
  { data: ['eval/cranfield-sample/cranqrel', 'models/model2vec-tiny/model.safetensors'] },
  'klody-eval command',
  () => {
    it('prints one JSON line with hybrid and bm25 metrics and the counts', async () => {
      const result = await klodyEval([
        'retrieval',
        '--format',
        'cranfield',
        '--input',
        testDataPath('eval', 'cranfield-sample'),
        '--embedder',
        `model2vec:${testDataPath('models', 'model2vec-tiny')}`,
        '--json',
      ]);
      expect(result.code).toBe(0);
      const lines = result.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const output = JSON.parse(lines[0] as string);
      expect(Object.keys(output)).toEqual([
        'hybrid',
        'bm25',
        'questions',
        'passages',
        'distractors',
        'lexical',
      ]);
      expect(Object.keys(output.hybrid)).toEqual(['recall@1', 'recall@5', 'recall@10', 'mrr@10', 'ndcg@10']);
      expect(output).toMatchObject({ questions: 3, passages: 5, distractors: 0 });
      expect(output.bm25['recall@10']).toBeGreaterThan(0);
    });

    it('ranks with plain FTS5 porter BM25 or with overridden lexical options, and refuses a bad setting', async () => {
      const run = (lexical: string) =>
        klodyEval([
          'retrieval',
          '--format',
          'cranfield',
          '--input',
          testDataPath('eval', 'cranfield-sample'),
          '--embedder',
          'none',
          '--lexical',
          lexical,
          '--json',
        ]);
      for (const setting of ['plain', 'phraseWeight=0,fuzzy=false']) {
        const result = await run(setting);
        expect(result.code).toBe(0);
        const output = JSON.parse(result.stdout);
        expect(output.lexical).toBe(setting);
        expect(output.bm25['recall@10']).toBeGreaterThan(0);
        expect(output.bm25['ndcg@10']).toBeGreaterThan(0);
      }
      const bad = await run('phraseWeight=-1');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/phraseWeight needs a number/);
      const unknown = await run('stemming=false');
      expect(unknown.code).toBe(2);
    });

    it('exits 2 with a one-line message on bad usage', async () => {
      const missing = await klodyEval([
        'retrieval',
        '--format',
        'squad',
        '--input',
        '/nonexistent/file.json',
      ]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/--input not found/);
      expect(missing.stdout).toBe('');
      const badFormat = await klodyEval(['retrieval', '--format', 'trec', '--input', 'x']);
      expect(badFormat.code).toBe(2);
      const unknown = await klodyEval(['retrieval', '--format', 'squad', '--input', 'x', '--frobnicate']);
      expect(unknown.code).toBe(2);
    });
  },
);
