import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiGenerator } from '../generator/openai-generator.js';
import { createIngester } from '../ingest/ingester.js';
import { createSourcesPromptBuilder } from '../prompt/sources-prompt-builder.js';
import { createLexicalRetriever } from '../retriever/hybrid-retriever.js';
import type { RetrievedChunk } from '../retriever/retriever.js';
import { createCitationScorer } from '../scorer/citation-scorer.js';
import { migrate } from '../store/migrate.js';
import { createFakeGenerator } from '../testing/fake-generator.js';
import { createInMemoryDatabase } from '../testing/in-memory-database.js';
import { createAnswerer } from './answerer.js';
import { calibrateRefusal } from './calibrate-refusal.js';

const chunk = (chunkId: number, text: string, title = 'Book'): RetrievedChunk => ({
  chunkId,
  sourceId: chunkId,
  sourceUri: `doc://${chunkId}`,
  sourceTitle: title,
  ordinal: 0,
  start: 0,
  end: text.length,
  text,
  heading: null,
  score: 1,
  ranks: { lexical: 1, vector: null },
  neighbour: false,
});

describe('createSourcesPromptBuilder', () => {
  it('numbers the sources, answers in the question language and keeps within the budget', () => {
    const builder = createSourcesPromptBuilder({ maxTokens: 300 });
    const chunks = [
      chunk(1, 'Le phare éclaire la côte.'),
      chunk(2, 'x '.repeat(400)),
      chunk(3, 'Le gardien vit seul.'),
    ];
    const french = builder.build('Qui vit dans le phare ?', chunks);
    expect(french.language).toBe('fr');
    expect(french.passages.map((passage) => passage.chunk.chunkId)).toEqual([1, 3]);
    expect(french.passages.map((passage) => passage.number)).toEqual([1, 2]);
    expect(french.messages[0]?.content).toMatch(/uniquement à partir des sources/);
    expect(french.messages[1]?.content).toContain('[2] (Book)\nLe gardien vit seul.');
    expect(french.tokens).toBeLessThanOrEqual(300);
    const english = builder.build('Who lives in the lighthouse?', chunks);
    expect(english.language).toBe('en');
    expect(english.messages[0]?.content).toMatch(/only the numbered sources/);
  });
});

describe('createCitationScorer', () => {
  const passages = [
    { number: 1, chunk: chunk(1, 'The keeper lit the great lamp at dusk.') },
    { number: 2, chunk: chunk(2, 'Ships passed far out at sea.') },
  ];
  const scorer = createCitationScorer();

  it('accepts valid citations and exact quotes', () => {
    const score = scorer.score('He "lit the great lamp" at dusk [1], while ships passed [2].', passages);
    expect(score).toEqual({
      citations: [1, 2],
      invalidCitations: [],
      unsupportedQuotes: [],
      refusal: false,
      valid: true,
    });
  });

  it('flags citations of missing passages, invented quotes and uncited answers', () => {
    expect(scorer.score('It was dark [3][1, 4].', passages)).toMatchObject({
      invalidCitations: [3, 4],
      valid: false,
    });
    expect(scorer.score('He said « la lampe était éteinte » [1].', passages)).toMatchObject({
      unsupportedQuotes: ['la lampe était éteinte'],
      valid: false,
    });
    expect(scorer.score('The keeper lit the lamp.', passages).valid).toBe(false);
  });

  it('recognises a refusal in both languages', () => {
    expect(scorer.score('The sources do not contain the answer.', passages)).toMatchObject({
      refusal: true,
      valid: true,
    });
    expect(scorer.score('Les sources ne contiennent pas la réponse.', passages)).toMatchObject({
      refusal: true,
      valid: true,
    });
  });
});

describe('createAnswerer', () => {
  async function library() {
    const database = createInMemoryDatabase();
    await migrate(database);
    await createIngester({ database }).ingest([
      {
        uri: 'doc://lighthouse',
        title: 'The Lighthouse',
        text: 'The keeper climbed the tower every evening. He lit the great lamp at dusk so that ships could see the rocks.\n\nIn winter the storms were terrible.',
      },
      {
        uri: 'doc://bread',
        title: 'Bread',
        text: 'Bakers knead the dough and let it rise overnight before baking.',
      },
    ]);
    return database;
  }

  it('answers extractively with cited sentences whose offsets point into the source', async () => {
    const database = await library();
    const answerer = createAnswerer({ retriever: createLexicalRetriever({ database }), database });
    const answer = await answerer.answer('When did the keeper light the lamp?');
    expect(answer.mode).toBe('extractive');
    expect(answer.text).toContain('He lit the great lamp at dusk');
    expect(answer.text).toMatch(/\[1\]/);
    expect(answer.score?.valid).toBe(true);
    const source = database
      .getConnection()
      .prepare('SELECT text FROM memory_sources WHERE uri = ?')
      .pluck()
      .get('doc://lighthouse') as string;
    for (const citation of answer.citations)
      expect(source.slice(citation.start, citation.end)).toBe(citation.text);
  });

  it('refuses when the library has no evidence for the question', async () => {
    const database = await library();
    const answerer = createAnswerer({ retriever: createLexicalRetriever({ database }), database });
    const answer = await answerer.answer('Quelle est la capitale de la Mongolie ?');
    expect(answer).toMatchObject({
      refused: true,
      mode: 'refusal',
      language: 'fr',
      text: 'Les sources ne contiennent pas la réponse.',
    });
  });

  it('generates with the prompt and scores the answer', async () => {
    const database = await library();
    const generator = createFakeGenerator('He lit "the great lamp at dusk" [1].');
    const answerer = createAnswerer({ retriever: createLexicalRetriever({ database }), database, generator });
    const streamed: string[] = [];
    const answer = await answerer.answer('When did the keeper light the lamp?', {
      onText: (piece) => streamed.push(piece),
    });
    expect(answer.mode).toBe('generated');
    expect(answer.score?.valid).toBe(true);
    expect(answer.citations.map((citation) => citation.sourceUri)).toEqual(['doc://lighthouse']);
    expect(streamed.join('')).toBe(answer.text);
    expect(generator.calls[0]?.[1]?.content).toContain('[1] (The Lighthouse)');
  });
});

describe('createOpenAiGenerator against a real local SSE server', () => {
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (part) => {
        body += String(part);
      });
      request.on('end', () => {
        const parsed = JSON.parse(body) as { stream: boolean };
        if (!parsed.stream) {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(
            JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'Whole answer [1].' } }] }),
          );
          return;
        }
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const piece of ['Stre', 'amed ', 'answer [1].']) {
          response.write(`data: ${JSON.stringify({ choices: [{ delta: { content: piece } }] })}\n\n`);
        }
        response.end('data: [DONE]\n\n');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('generates whole and streamed', async () => {
    const generator = createOpenAiGenerator({ baseUrl, model: 'brain' });
    expect(await generator.generate([{ role: 'user', content: 'hi' }])).toBe('Whole answer [1].');
    const pieces: string[] = [];
    for await (const piece of generator.stream([{ role: 'user', content: 'hi' }])) pieces.push(piece);
    expect(pieces.join('')).toBe('Streamed answer [1].');
    expect(pieces.length).toBe(3);
  });
});

describe('calibrateRefusal', () => {
  it('finds the threshold that separates answerable from unanswerable questions', () => {
    const samples = [
      { evidence: 0.9, answerable: true },
      { evidence: 0.8, answerable: true },
      { evidence: 0.45, answerable: true },
      { evidence: 0.3, answerable: false },
      { evidence: 0.2, answerable: false },
      { evidence: 0.6, answerable: false },
    ];
    const result = calibrateRefusal(samples);
    expect(result.threshold).toBeGreaterThan(0.3);
    expect(result.threshold).toBeLessThanOrEqual(0.45);
    expect(result.accuracy).toBeCloseTo(5 / 6);
  });
});
