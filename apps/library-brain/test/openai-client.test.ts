// The official openai SDK against a real Library Brain process on a real SQLite library holding a
// shared book: the models, an answer whole and streamed (cited in the text and as data), a
// follow-up in the same conversation, a refused question, bad requests and the API key.
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LibraryBrainProcess, startLibraryBrain, testDataPath } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import OpenAI from 'openai';
import { beforeAll, expect, it } from 'vitest';

interface StructuredCitation {
  n: number;
  book: string;
  book_id: number;
  chapter: string | null;
  page: number | null;
  start: number;
  end: number;
  text: string;
}

interface LibraryDetails {
  refused: boolean;
  mode: string;
  conversation_id: string;
  standalone_question: string | null;
}

const apiKey = 'test-key-for-openai-clients';

describeRequiring({ data: ['books/en/11-0.txt'] }, 'any OpenAI client can ask the books', () => {
  const reaper = useProcessReaper();
  let server: LibraryBrainProcess;
  let client: OpenAI;

  /** The citation's offsets give its text in the stored book. */
  async function expectCitationHolds(citation: StructuredCitation): Promise<void> {
    const response = await fetch(
      `${server.url}/api/passage?book=${citation.book_id}&start=${citation.start}&end=${citation.end}`,
      { headers: { authorization: `Bearer ${apiKey}` } },
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as { text: string }).text).toBe(citation.text);
  }

  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'klody-openai-client-'));
    const books = join(home, 'books');
    mkdirSync(books);
    copyFileSync(testDataPath('books', 'en', '11-0.txt'), join(books, 'alice.txt'));
    server = await startLibraryBrain(reaper, { home, roots: [books], apiKey });
    await server.ingest([books]);
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey, maxRetries: 0, timeout: 60_000 });
  }, 120_000);

  it('lists one model, library-brain', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model);
    expect(models.map((model) => [model.id, model.object, model.owned_by])).toEqual([
      ['library-brain', 'model', 'klody'],
    ]);
    expect((await client.models.retrieve('library-brain')).id).toBe('library-brain');
  });

  it('answers a question with [n] markers, a Sources list and structured citations', async () => {
    const completion = await client.chat.completions.create({
      model: 'library-brain',
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'What did the Caterpillar smoke?' },
      ],
    });
    const content = completion.choices[0]?.message.content ?? '';
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('library-brain');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(content).toMatch(/\[1\]/);
    expect(content).toMatch(/\n\nSources:\n\[1\] Alice’s Adventures in Wonderland/);
    const extra = completion as unknown as { citations: StructuredCitation[]; library_brain: LibraryDetails };
    expect(extra.library_brain.refused).toBe(false);
    expect(extra.citations.length).toBeGreaterThan(0);
    expect(extra.citations.some((citation) => /hookah/i.test(citation.text))).toBe(true);
    for (const citation of extra.citations) await expectCitationHolds(citation);
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('streams the answer in chunks that end with the citations, then [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: 'library-brain',
      messages: [{ role: 'user', content: 'Who stole the tarts?' }],
      stream: true,
    });
    let content = '';
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      content += chunk.choices[0]?.delta.content ?? '';
    }
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    const last = chunks.at(-1) as unknown as {
      choices: { finish_reason: string }[];
      citations: StructuredCitation[];
    };
    expect(last.choices[0]?.finish_reason).toBe('stop');
    expect(last.citations.length).toBeGreaterThan(0);
    expect(content).toContain('Sources:');
    for (const citation of last.citations) expect(content).toContain(`[${citation.n}]`);
    for (const citation of last.citations) await expectCitationHolds(citation);

    // The raw stream ends with data: [DONE], as OpenAI's does.
    const raw = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({
        model: 'library-brain',
        stream: true,
        messages: [{ role: 'user', content: 'Who is the Hatter?' }],
      }),
    });
    expect(raw.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect((await raw.text()).trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('answers a whole-book question and keeps the conversation across the history the client sends', async () => {
    const first = await client.chat.completions.create({
      model: 'library-brain',
      messages: [{ role: 'user', content: 'List the chapters of Alice' }],
    });
    const firstContent = first.choices[0]?.message.content ?? '';
    expect(firstContent).toContain('CHAPTER VII. A Mad Tea-Party');
    const firstDetails = (first as unknown as { library_brain: LibraryDetails }).library_brain;
    const followUp = await client.chat.completions.create({
      model: 'library-brain',
      messages: [
        { role: 'user', content: 'List the chapters of Alice' },
        { role: 'assistant', content: firstContent },
        { role: 'user', content: 'Summarise chapter 7 of Alice' },
      ],
    });
    const details = (
      followUp as unknown as { library_brain: LibraryDetails; citations: StructuredCitation[] }
    ).library_brain;
    expect(details.conversation_id).toBe(firstDetails.conversation_id);
    expect(followUp.choices[0]?.message.content).toMatch(/^CHAPTER VII\. A Mad Tea-Party/);
  });

  it('refuses a question the book does not answer, without sources', async () => {
    const completion = await client.chat.completions.create({
      model: 'library-brain',
      messages: [{ role: 'user', content: 'What is the boiling point of liquid nitrogen in kelvin?' }],
    });
    const extra = completion as unknown as { citations: StructuredCitation[]; library_brain: LibraryDetails };
    expect(extra.library_brain.refused).toBe(true);
    expect(extra.citations).toEqual([]);
    expect(completion.choices[0]?.message.content).toBe('The sources do not contain the answer.');
  });

  it('answers bad requests with OpenAI-shaped errors that keep our code', async () => {
    const failure = async (request: Promise<unknown>) => {
      try {
        await request;
      } catch (error) {
        return error;
      }
      throw new Error('the request succeeded');
    };
    const unknownModel = await failure(
      client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello?' }] }),
    );
    expect(unknownModel).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknownModel).toMatchObject({ status: 404, code: 'not_found', type: 'not_found_error' });

    const notAQuestion = await failure(
      client.chat.completions.create({
        model: 'library-brain',
        messages: [{ role: 'assistant', content: 'Hi' }],
      }),
    );
    expect(notAQuestion).toBeInstanceOf(OpenAI.BadRequestError);
    expect(notAQuestion).toMatchObject({
      status: 400,
      code: 'invalid_request',
      type: 'invalid_request_error',
    });
    expect((notAQuestion as Error).message).toMatch(/the last message must be the user's question/);

    const noMessages = await failure(
      client.chat.completions.create({ model: 'library-brain', messages: [] }),
    );
    expect(noMessages).toMatchObject({ status: 400, code: 'invalid_request' });

    const wrongKey = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'wrong', maxRetries: 0 });
    const unauthorized = await failure(wrongKey.models.list());
    expect(unauthorized).toBeInstanceOf(OpenAI.AuthenticationError);

    const raw = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: '{"model": "library-brain", "messages": [',
    });
    expect(raw.status).toBe(400);
    const body = (await raw.json()) as { error: { code: string; message: string; type: string } };
    expect(body.error).toMatchObject({ code: 'invalid_json', type: 'invalid_request_error' });
    expect(body.error.message.length).toBeGreaterThan(0);

    // Library Brain's own `filter` field: a filter naming no book is the request's fault, whole or
    // streamed (the stream's status is already sent: its last event is the error).
    const badFilter = {
      model: 'library-brain',
      messages: [{ role: 'user' as const, content: 'Who is the Hatter?' }],
      filter: { books: ['No Such Book'] },
    } as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
    const filtered = await failure(client.chat.completions.create(badFilter));
    expect(filtered).toMatchObject({ status: 400, code: 'invalid_request', type: 'invalid_request_error' });
    expect((filtered as Error).message).toMatch(/No Such Book/);
    const streamedFailure = await failure(
      (async () => {
        const stream = await client.chat.completions.create({ ...badFilter, stream: true });
        for await (const _ of stream);
      })(),
    );
    expect(streamedFailure).toBeInstanceOf(OpenAI.APIError);
    expect((streamedFailure as Error).message).toMatch(/No Such Book/);

    const foreign = await fetch(`${server.url}/v1/models`, {
      headers: { authorization: `Bearer ${apiKey}`, origin: 'https://example.com' },
    });
    expect(foreign.status).toBe(403);
  });
});
