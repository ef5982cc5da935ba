// VocalBrain's library recall target (issue 14): recall@3 of the reported half of the recall set
// (apps/vocalbrain/eval/library-recall-set.json: 30 tracks, 60 FR/EN descriptions), with the real
// multilingual e5 through the real gateway (the `embed` alias, as the server uses it) and, beside
// it, by words only (no embedder). The tuning half is never reported here. Needs
// `pnpm klody-models install` (multilingual-e5-small). Run from the repository root:
//   pnpm exec tsx --conditions=@klody/source tooling/bench/vocalbrain/library-recall-bench.ts [--out file.json]
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  createTrackLibrary,
  fixedEmbedderSource,
  gatewayEmbedderSource,
  measureRecall,
  type RecallFigures,
  readRecallSet,
} from '../../../apps/vocalbrain/src/library/index.js';
import { startE5Gateway } from '../../../apps/vocalbrain/test/support/e5-gateway.js';
import { addRecallTracks } from '../../../apps/vocalbrain/test/support/recall-library.js';
import { openDatabaseFile } from '../../../packages/memory/src/index.js';
import { createProcessReaper } from '../../test-helpers/src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const outPath = resolve(values.out ?? join(here, 'library-recall-last-run.json'));
const set = readRecallSet();
const reaper = createProcessReaper();
const results: { setting: string; figures: RecallFigures; seconds: number }[] = [];
let home = '';
try {
  const gateway = await startE5Gateway(reaper);
  home = gateway.home;
  for (const setting of ['e5 through the gateway', 'lexical (no embedder)'] as const) {
    const database = openDatabaseFile(join(home, `${results.length}.db`));
    try {
      const library = await createTrackLibrary({
        database,
        audioFolder: join(home, `library-${results.length}`),
        embedders:
          setting === 'lexical (no embedder)'
            ? fixedEmbedderSource(null, 'lexical run')
            : gatewayEmbedderSource({ gatewayURL: gateway.url, database, timeoutMs: 120_000 }),
        transcriber: null,
      });
      const ids = await addRecallTracks(library, set);
      const started = performance.now();
      const figures = await measureRecall(library, set, ids, { split: 'reported', k: 3 });
      results.push({ setting, figures, seconds: (performance.now() - started) / 1000 });
    } finally {
      database.close();
    }
  }
} finally {
  await reaper.reapAll();
  if (home) rmSync(home, { recursive: true, force: true });
}

const percent = (value: number) => value.toFixed(2);
const lines = [
  `VocalBrain library recall — reported half (30 descriptions, 15 FR, 15 EN, over 30 tracks), ${new Date().toISOString()}`,
  '',
  '| setting | search mode | recall@3 | recall@3 EN | recall@3 FR | MRR@10 | missed (rank) |',
  '| --- | --- | ---: | ---: | ---: | ---: | --- |',
  ...results.map(
    ({ setting, figures }) =>
      `| ${setting} | ${figures.mode} | ${percent(figures.recall)} | ${percent(figures.byLanguage.en.recall)} | ${percent(figures.byLanguage.fr.recall)} | ${percent(figures.mrr)} | ${figures.misses.map((miss) => `"${miss.text}" (${miss.rank ?? '>10'})`).join('; ')} |`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
writeFileSync(outPath, `${JSON.stringify({ date: new Date().toISOString(), results }, null, 2)}\n`);
process.stderr.write(`library-recall-bench: wrote ${outPath}\n`);
