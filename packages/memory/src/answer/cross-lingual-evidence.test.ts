import { beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../embedder/embedder.js';
import { createIngester } from '../ingest/ingester.js';
import { createLexicalRetriever } from '../retriever/hybrid-retriever.js';
import type { RetrievedChunk, Retriever } from '../retriever/retriever.js';
import type { MemoryDatabase } from '../store/memory-database.js';
import { migrate } from '../store/migrate.js';
import { createFakeEmbedder } from '../testing/fake-embedder.js';
import { createInMemoryDatabase } from '../testing/in-memory-database.js';
import { createAnswerer } from './answerer.js';
import { embedsAcrossLanguages, measureEvidence, retrieveAcrossLanguages } from './cross-lingual-evidence.js';

// A fake "multilingual" embedder for unit tests: a few French words are mapped to their English
// counterparts before hashing, so that a French question lands near the English passage that uses
// those words. It is no model: it shows what the answerer does with a cross-lingual cosine.
const fakeDictionary: Record<string, string> = {
  quand: 'when',
  gardien: 'keeper',
  allume: 'lit',
  grande: 'great',
  lampe: 'lamp',
  tour: 'tower',
  soir: 'evening',
  monte: 'climbed',
};
function createFakeBilingualEmbedder(): Embedder {
  const hashing = createFakeEmbedder({ dimensions: 512, id: 'fake:bilingual' });
  return {
    id: hashing.id,
    dimensions: hashing.dimensions,
    embed: (texts, options) =>
      hashing.embed(
        texts.map((text) =>
          text
            .toLowerCase()
            .split(/[^\p{L}]+/u)
            .map((word) => fakeDictionary[word] ?? word)
            .join(' '),
        ),
        options,
      ),
  };
}

const lighthouse =
  'The keeper climbed the tower every evening. He lit the great lamp at dusk so that the ships could see the rocks. In winter the storms were terrible and the sea was grey.';
const frenchQuestion = 'Quand le gardien allume-t-il la grande lampe ?';
const unanswerable = 'Combien coûte un billet de train pour Marseille ?';

describe('cross-lingual evidence', () => {
  let database: MemoryDatabase;
  let retriever: Retriever;
  // The English passage as the retriever would return it (a multilingual embedder finds it).
  let englishChunks: RetrievedChunk[];

  beforeAll(async () => {
    database = createInMemoryDatabase();
    await migrate(database);
    await createIngester({ database }).ingest([
      { uri: 'doc://lighthouse', title: 'The Lighthouse', text: lighthouse },
      {
        uri: 'doc://jardin',
        title: 'Le jardin',
        text: 'Le jardinier arrose les roses chaque matin. Il taille les arbres fruitiers en hiver.',
      },
    ]);
    retriever = createLexicalRetriever({ database });
    englishChunks = await retriever.retrieve({ text: 'keeper lamp', limit: 3 });
    expect(englishChunks[0]?.sourceTitle).toBe('The Lighthouse');
  });

  it('is the word coverage alone without a translation or an embedder: a French question scores low on English', async () => {
    const measured = await measureEvidence({
      question: frenchQuestion,
      chunks: englishChunks,
      connection: database.getConnection(),
      refusalThreshold: 0.5,
    });
    expect(measured).toMatchObject({ basis: 'question_terms', similarity: null, crossLingual: false });
    expect(measured.evidence).toBeLessThan(0.5);
  });

  it("measures an English passage by the translated question's terms", async () => {
    const measured = await measureEvidence({
      question: frenchQuestion,
      chunks: englishChunks,
      connection: database.getConnection(),
      translation: { text: 'When does the keeper light the great lamp?', language: 'en' },
      refusalThreshold: 0.5,
    });
    expect(measured.basis).toBe('translated_terms');
    expect(measured.crossLingual).toBe(true);
    expect(measured.terms.language).toBe('en');
    expect(measured.evidence).toBeGreaterThanOrEqual(0.5);
  });

  it('scales the cosine so that the similarity threshold scores the refusal threshold', async () => {
    const embedder = createFakeBilingualEmbedder();
    const measured = await measureEvidence({
      question: frenchQuestion,
      chunks: englishChunks,
      connection: database.getConnection(),
      crossLingual: { embedder, similarityThreshold: 0.2 },
      refusalThreshold: 0.5,
    });
    expect(measured.basis).toBe('similarity');
    expect(measured.similarity).toBeGreaterThan(0.2);
    expect(measured.evidence).toBeCloseTo(Math.min(1, (0.5 * (measured.similarity as number)) / 0.2), 10);
    const unrelated = await measureEvidence({
      question: unanswerable,
      chunks: englishChunks,
      connection: database.getConnection(),
      crossLingual: { embedder, similarityThreshold: 0.2 },
      refusalThreshold: 0.5,
    });
    expect(unrelated.similarity).toBeLessThan(0.2);
    expect(unrelated.evidence).toBeLessThan(0.5);
  });

  it('answers a French question from an English passage in French, quoting the English sentences, and refuses an unrelated one', async () => {
    const embedder = createFakeBilingualEmbedder();
    // The retriever a multilingual embedder gives: the English book for any question here.
    const fakeCrossLingualRetriever: Retriever = { retrieve: async () => englishChunks };
    const answerer = createAnswerer({
      retriever: fakeCrossLingualRetriever,
      database,
      crossLingual: { embedder, similarityThreshold: 0.2 },
    });
    const answer = await answerer.answer(frenchQuestion);
    expect(answer).toMatchObject({ refused: false, language: 'fr', evidenceBasis: 'similarity' });
    expect(answer.text).toContain('He lit the great lamp at dusk');
    expect(answer.citations[0]?.sourceTitle).toBe('The Lighthouse');
    const refusal = await answerer.answer(unanswerable);
    expect(refusal).toMatchObject({ refused: true, text: 'Les sources ne contiennent pas la réponse.' });
    // Without the embedder, the same French question is refused: its words are not the passage's.
    const wordsOnly = await createAnswerer({ retriever: fakeCrossLingualRetriever, database }).answer(
      frenchQuestion,
    );
    expect(wordsOnly.refused).toBe(true);
  });

  it("searches the question in the other language's sources too, within the caller's filter", async () => {
    const filters: unknown[] = [];
    const recording: Retriever = {
      async retrieve(query) {
        filters.push(query.filter ?? null);
        return [];
      },
    };
    const connection = database.getConnection();
    const english = connection
      .prepare("SELECT id FROM memory_sources WHERE uri = 'doc://lighthouse'")
      .pluck()
      .get();
    await retrieveAcrossLanguages(recording, { text: frenchQuestion }, { otherLanguage: true, connection });
    expect(filters).toEqual([null, { sourceIds: [english] }]);
    // A filter that leaves no source in the other language: the question is searched once.
    filters.length = 0;
    await retrieveAcrossLanguages(
      recording,
      { text: frenchQuestion, filter: { sourceIds: [9_999] } },
      { otherLanguage: true, connection },
    );
    expect(filters).toEqual([{ sourceIds: [9_999] }]);
  });

  it('retrieves with the translation too: the English passage is found for the French question', async () => {
    const answerer = createAnswerer({ retriever, database });
    const answer = await answerer.answer(frenchQuestion, {
      translation: { text: 'When does the keeper light the great lamp?', language: 'en' },
    });
    expect(answer).toMatchObject({ refused: false, language: 'fr', evidenceBasis: 'translated_terms' });
    expect(answer.citations.map((citation) => citation.sourceTitle)).toContain('The Lighthouse');
    expect(answer.text).toContain('keeper');
  });
});

describe('retrieveAcrossLanguages', () => {
  const chunk = (chunkId: number): RetrievedChunk => ({
    chunkId,
    sourceId: chunkId,
    sourceUri: `doc://${chunkId}`,
    sourceTitle: null,
    ordinal: 0,
    start: 0,
    end: 1,
    text: String(chunkId),
    heading: null,
    score: 1,
    ranks: { lexical: 1, vector: null },
    neighbour: false,
  });
  const fakeRetriever = (lists: Record<string, number[]>): Retriever & { asked: string[] } => {
    const asked: string[] = [];
    return {
      asked,
      async retrieve(query) {
        asked.push(query.text);
        return (lists[query.text] ?? []).map(chunk);
      },
    };
  };

  it('asks once without a translation, and fuses both lists by reciprocal rank with one', async () => {
    const retriever = fakeRetriever({ question: [1, 2, 3], translation: [4, 3] });
    expect((await retrieveAcrossLanguages(retriever, { text: 'question' })).map((c) => c.chunkId)).toEqual([
      1, 2, 3,
    ]);
    expect(retriever.asked).toEqual(['question']);
    const fused = await retrieveAcrossLanguages(
      retriever,
      { text: 'question', limit: 3 },
      { translation: { text: 'translation', language: 'en' } },
    );
    // 3 is in both lists: first; then the first of each list (1, 4), the original's first on a tie.
    expect(fused.map((c) => c.chunkId)).toEqual([3, 1, 4]);
    expect(retriever.asked).toEqual(['question', 'question', 'translation']);
  });
});

describe('embedsAcrossLanguages', () => {
  it('is false for an embedder that only matches words', async () => {
    expect(await embedsAcrossLanguages(createFakeEmbedder({ dimensions: 256 }))).toBe(false);
  });
});
