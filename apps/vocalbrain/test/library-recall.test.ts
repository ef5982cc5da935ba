// The library's recall target with the real embedder through the real gateway: multilingual e5
// behind the `embed` alias, reached through @klody/memory's OpenAI embedder exactly as the server
// does (gatewayEmbedderSource). recall@3 on the reported half only: the tuning half chose the mode.
import { rmSync } from 'node:fs';
import { openDatabaseFile } from '@klody/memory';
import { startE5Gateway } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTrackLibrary, gatewayEmbedderSource, type TrackLibrary } from '../src/library/index.js';
import { measureRecall, readRecallSet } from '../src/library/recall-evaluation.js';
import { addRecallTracks } from './support/recall-library.js';

describeRequiring({ models: ['multilingual-e5-small'] }, 'library recall with e5 through the gateway', () => {
  const reaper = useProcessReaper();
  const set = readRecallSet();
  let library: TrackLibrary;
  let ids: Map<string, number>;
  let close: () => void = () => {};
  let home = '';

  beforeAll(async () => {
    const gateway = await startE5Gateway(reaper);
    home = gateway.home;
    const database = openDatabaseFile(`${gateway.home}/vocalbrain.db`);
    close = () => database.close();
    library = await createTrackLibrary({
      database,
      audioFolder: `${gateway.home}/library`,
      embedders: gatewayEmbedderSource({ gatewayURL: gateway.url, database, timeoutMs: 120_000 }),
      transcriber: null,
    });
    ids = await addRecallTracks(library, set);
  }, 240_000);
  afterAll(async () => {
    await library?.close();
    close();
    await reaper.reapAll();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('recalls the right track within 3 for at least 90 % of the reported descriptions, FR and EN', async () => {
    const figures = await measureRecall(library, set, ids, { split: 'reported', k: 3 });
    process.stderr.write(`library recall (reported half, e5): ${JSON.stringify(figures)}\n`);
    expect(figures.embedder).toBe('openai:embed');
    expect(figures.mode).toBe('vector');
    expect(figures.queries).toBe(30);
    expect(figures.recall).toBeGreaterThanOrEqual(0.9);
  }, 240_000);
});
