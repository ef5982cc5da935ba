import { describe, expect, it } from 'vitest';
import { countWholePhrase, countWholeWord } from '../analysis/analyser.js';
import { createIngester } from '../ingest/ingester.js';
import { migrate } from '../store/migrate.js';
import { createFakeEmbedder } from '../testing/fake-embedder.js';
import { createInMemoryDatabase } from '../testing/in-memory-database.js';
import { createHybridRetriever, createLexicalRetriever, createVectorRetriever } from './hybrid-retriever.js';
import { analyseQuery, editDistance, toMatchExpression } from './lexical-search.js';
import { reciprocalRankFusion } from './rrf.js';
import type { SearchRequest } from './search.js';

const documents = [
  {
    uri: 'doc://lighthouse',
    title: 'Lighthouses',
    text: "Le gardien du phare allumait la lampe chaque soir. L'homme vivait seul sur l'île.\n\nLes navires évitaient les rochers grâce à la lumière.",
    metadata: { lang: 'fr', shelf: 'sea' },
  },
  {
    uri: 'doc://whales',
    title: 'Whales',
    text: 'Sperm whales dive deep to hunt giant squid.\n\nWhaling ships chased them across the Pacific for their oil.',
    metadata: { lang: 'en', shelf: 'sea' },
  },
  {
    uri: 'doc://bread',
    title: 'Baking',
    text: 'Bread needs flour, water, salt and yeast. The dough rises overnight before baking.',
    metadata: { lang: 'en', shelf: 'kitchen' },
  },
];

async function setup() {
  const database = createInMemoryDatabase();
  await migrate(database);
  const embedder = createFakeEmbedder({ dimensions: 64 });
  await createIngester({ database, embedder, chunker: undefined }).ingest(documents);
  return { database, embedder };
}

/** Ranks a question over fresh documents with the default rescoring and with one feature turned off. */
async function rankWithAndWithout(
  sources: { uri: string; text: string }[],
  question: string,
  turnedOff: SearchRequest['lexical'],
) {
  const database = createInMemoryDatabase();
  await migrate(database);
  await createIngester({ database }).ingest(sources);
  const ranked = {
    with: await createLexicalRetriever({ database }).retrieve({ text: question }),
    without: await createLexicalRetriever({ database, lexical: turnedOff }).retrieve({ text: question }),
  };
  const scoreIn = (chunks: typeof ranked.with, uri: string) =>
    chunks.find((chunk) => chunk.sourceUri === uri)?.score as number;
  const scoreOf = (uri: string) => ({
    with: scoreIn(ranked.with, uri),
    without: scoreIn(ranked.without, uri),
  });
  const scoreGap = (better: string, worse: string) => ({
    with: scoreOf(better).with - scoreOf(worse).with,
    without: scoreOf(better).without - scoreOf(worse).without,
  });
  return { ranked, scoreOf, scoreGap };
}

describe('lexical retrieval', () => {
  it('finds French text through stemming, elisions and diacritics, and English through stemming', async () => {
    const { database } = await setup();
    const retriever = createLexicalRetriever({ database });
    const french = await retriever.retrieve({ text: 'Quels hommes vivaient sur les iles ?' });
    expect(french[0]?.sourceUri).toBe('doc://lighthouse');
    const english = await retriever.retrieve({ text: 'hunting whale' });
    expect(english[0]?.sourceUri).toBe('doc://whales');
    for (const chunk of english) expect(chunk.ranks.lexical).not.toBeNull();
  });

  it('never raises an FTS5 syntax error, whatever the user types', async () => {
    const { database } = await setup();
    const retriever = createLexicalRetriever({ database });
    const hostile = [
      '"',
      'AND OR NOT',
      'whale*',
      'NEAR(a b)',
      '(((',
      "l'",
      '-whale',
      '^whale',
      'col:whale',
      '',
      '   ',
      '😀',
      'a"b"c',
    ];
    for (const text of hostile) await expect(retriever.retrieve({ text })).resolves.toBeInstanceOf(Array);
    expect(toMatchExpression([{ stems: ['a"b'] }])).toBe('"a""b"');
  });

  it('corrects a typo to the closest indexed term', async () => {
    const { database } = await setup();
    const results = await createLexicalRetriever({ database }).retrieve({ text: 'whalles' });
    expect(results[0]?.sourceUri).toBe('doc://whales');
    expect(editDistance('ctenphor', 'ctenophor', 2)).toBe(1);
    expect(editDistance('abcd', 'abdc', 1)).toBe(1);
    expect(editDistance('abc', 'xyz', 1)).toBe(2);
  });

  it('searches a French accented word that looks like a stop word, typed composed or decomposed', async () => {
    const database = createInMemoryDatabase();
    await migrate(database);
    await createIngester({ database }).ingest([
      { uri: 'doc://hugo', text: 'Victor Hugo est né à Besançon en 1802.' },
      { uri: 'doc://zola', text: 'Émile Zola est arrivé à Paris en 1858, sur le pont du navire.' },
    ]);
    const retriever = createLexicalRetriever({ database });
    for (const question of ['Qui est né ?', 'Qui est ne\u0301 ?']) {
      const ranked = await retriever.retrieve({ text: question });
      expect(ranked.map((chunk) => chunk.sourceUri)).toEqual(['doc://hugo']);
    }
  });

  it('ranks a word found exactly as typed above another word of the same stem', async () => {
    // "receiver" and "received" share the stem "receiv": without exact forms only "got" decides.
    const { ranked, scoreGap } = await rankWithAndWithout(
      [
        { uri: 'doc://received', text: 'The coach received the ball twice in the final quarter.' },
        { uri: 'doc://receiver', text: 'The receiver got the ball twice in the final quarter.' },
      ],
      'Which receiver got the ball?',
      { exactFormWeight: 0 },
    );
    expect(ranked.with[0]?.sourceUri).toBe('doc://receiver');
    const gap = scoreGap('doc://receiver', 'doc://received');
    expect(gap.with).toBeGreaterThan(gap.without + 0.01);
    expect(countWholeWord('the receiver, receivers and a receiver.', 'receiver')).toBe(2);
  });

  it('ranks a phrase found as typed, stop words included, above the same words apart', async () => {
    const { ranked, scoreGap } = await rankWithAndWithout(
      [
        {
          uri: 'doc://apart',
          text: 'La Bastille fut une prise facile, et les soldats eurent lieu de s’en réjouir.',
        },
        {
          uri: 'doc://phrase',
          text: 'La prise de la Bastille eut lieu le matin, et les soldats s’en réjouirent.',
        },
      ],
      'Quand la prise de la Bastille a-t-elle eu lieu ?',
      { phraseWeight: 0 },
    );
    expect(ranked.with[0]?.sourceUri).toBe('doc://phrase');
    const gap = scoreGap('doc://phrase', 'doc://apart');
    expect(gap.with).toBeGreaterThan(gap.without + 0.01);
  });

  it('counts whole phrases across punctuation, anchored on either word', () => {
    const text = 'doctor, who? the doctor who came. doctorwho. a doctor whose';
    expect(countWholePhrase(text, 'doctor', 'who')).toBe(2);
    expect(countWholePhrase(text, 'the', 'doctor')).toBe(1);
    expect(countWholePhrase('tour de france', 'de', 'france')).toBe(1);
    expect(countWholePhrase('tour de france', 'tour', 'de')).toBe(1);
    expect(countWholePhrase('tourde france', 'tour', 'de')).toBe(0);
  });

  it('counts a derivation Snowball keeps apart as a weaker, truncated match', async () => {
    // "suburban" and "suburbs" stem apart (suburban / suburb); only their first five letters agree.
    const { ranked, scoreOf } = await rankWithAndWithout(
      [
        {
          uri: 'doc://suburbs',
          text: 'After the war, families left the old centre for new housing in the suburbs.',
        },
        {
          uri: 'doc://harbour',
          text: 'The harbour offered cheap housing to the dock workers and their families.',
        },
        // "suburban" is indexed, so the typo correction has nothing to correct.
        { uri: 'doc://trains', text: 'The suburban train was late again this morning.' },
      ],
      'Why did families move to suburban housing?',
      { truncatedMatchWeight: 0 },
    );
    expect(ranked.with.map((chunk) => chunk.sourceUri).filter((uri) => uri !== 'doc://trains')).toEqual([
      'doc://suburbs',
      'doc://harbour',
    ]);
    // Only the chunk with the truncated match gains; the other keeps its score exactly.
    expect(scoreOf('doc://suburbs').with).toBeGreaterThan(scoreOf('doc://suburbs').without);
    expect(scoreOf('doc://harbour').with).toBeCloseTo(scoreOf('doc://harbour').without, 9);
  });

  it('drops terms found in most chunks from the match but keeps them for scoring', async () => {
    const { database } = await setup();
    const query = analyseQuery(database.getConnection(), 'whales salt lamp', {
      maxDocumentFraction: 0.2,
      frequentTermFloor: 0,
      matchedPostings: 2,
    });
    // Every term here is in 1 chunk of 4 (25 %) and the three overrun the budget: two are moved to
    // `dropped`, then the rarest two are kept to search with.
    expect(query.terms.length).toBe(2);
    expect(query.dropped.length).toBe(1);
  });

  it('keeps every term, frequent or not, while the whole match fits the postings budget', async () => {
    const { database } = await setup();
    const query = analyseQuery(database.getConnection(), 'whales salt lamp', {
      maxDocumentFraction: 0.2,
      frequentTermFloor: 0,
    });
    expect(query.terms.length).toBe(3);
    expect(query.dropped).toEqual([]);
  });

  it('filters by source id, uri and metadata', async () => {
    const { database } = await setup();
    const retriever = createLexicalRetriever({ database });
    const all = await retriever.retrieve({ text: 'salt oil lamp' });
    expect(new Set(all.map((chunk) => chunk.sourceUri)).size).toBe(3);
    const kitchen = await retriever.retrieve({
      text: 'salt oil lamp',
      filter: { metadata: { shelf: 'kitchen' } },
    });
    expect(kitchen.map((chunk) => chunk.sourceUri)).toEqual(['doc://bread']);
    const byUri = await retriever.retrieve({
      text: 'salt oil lamp',
      filter: { sourceUris: ['doc://whales'] },
    });
    expect(byUri.every((chunk) => chunk.sourceUri === 'doc://whales')).toBe(true);
    expect(await retriever.retrieve({ text: 'salt', filter: { sourceIds: [] } })).toEqual([]);
  });
});

describe('selective filters', () => {
  it('find the best chunks of the filtered source even when thousands of others match better', async () => {
    const database = createInMemoryDatabase();
    await migrate(database);
    const crowd = Array.from({ length: 2_500 }, (_, index) => ({
      uri: `doc://crowd-${index}`,
      text: `Lantern lantern lantern beside the harbour, number ${index}.`,
    }));
    await createIngester({ database }).ingest([
      ...crowd,
      {
        uri: 'doc://needle',
        text: 'A long story about the sea, the wind, and somewhere at the end a lantern.',
      },
    ]);
    const results = await createLexicalRetriever({ database }).retrieve({
      text: 'lantern',
      filter: { sourceUris: ['doc://needle'] },
    });
    expect(results.map((chunk) => chunk.sourceUri)).toEqual(['doc://needle']);
  });
});

describe('vector and hybrid retrieval', () => {
  it('vector search finds the closest chunk and respects filters', async () => {
    const { database, embedder } = await setup();
    const retriever = createVectorRetriever({ database, embedder });
    const results = await retriever.retrieve({ text: 'flour yeast dough', limit: 3 });
    expect(results[0]?.sourceUri).toBe('doc://bread');
    expect(results[0]?.ranks).toEqual({ lexical: null, vector: 1 });
    const filtered = await retriever.retrieve({
      text: 'flour yeast dough',
      filter: { metadata: { shelf: 'sea' } },
    });
    expect(filtered.every((chunk) => chunk.sourceUri !== 'doc://bread')).toBe(true);
  });

  it('hybrid fuses both lists, keeps offsets exact, and expands neighbours', async () => {
    const { database, embedder } = await setup();
    const retriever = createHybridRetriever({ database, embedder, weights: { lexical: 1, vector: 1 } });
    const results = await retriever.retrieve({ text: 'whaling ships oil', limit: 1, neighbours: 1 });
    expect(results[0]?.sourceUri).toBe('doc://whales');
    expect(results[0]?.ranks.lexical).toBe(1);
    expect(results[0]?.ranks.vector).not.toBeNull();
    const text = database
      .getConnection()
      .prepare('SELECT text FROM memory_sources WHERE uri = ?')
      .pluck()
      .get('doc://whales') as string;
    for (const chunk of results) expect(text.slice(chunk.start, chunk.end)).toBe(chunk.text);
  });
});

describe('reciprocalRankFusion', () => {
  it('weights lists, deduplicates ids and keeps the first list order on ties', () => {
    const fused = reciprocalRankFusion([
      { ids: [1, 2, 3, 2], weight: 1 },
      { ids: [3, 4], weight: 0 },
    ]);
    expect(fused.map((hit) => hit.chunkId)).toEqual([1, 2, 3, 4]);
    expect(fused[2]?.ranks).toEqual([3, 1]);
    expect(fused[0]?.score).toBeCloseTo(1 / 61);
    const strong = reciprocalRankFusion([
      { ids: [1, 2, 3], weight: 1 },
      { ids: [3, 2, 1], weight: 2 },
    ]);
    expect(strong[0]?.chunkId).toBe(3);
  });
});
