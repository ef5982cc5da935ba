// search_books, ask_books and remove_book against Library Brain as a real process (its CLI's
// `serve`, a real SQLite library in a temporary KLODY_HOME, no gateway: lexical search and
// extractive answers), with an API key; then the same tools once it has stopped.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLibraryBrain } from '@klody/test-helpers';
import { useProcessReaper } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLibraryBrainClient, type LibraryBrainClient } from '../organs/library-brain-client.js';
import { createAskBooksTool, createRemoveBookTool, createSearchBooksTool } from './library-brain-tools.js';
import { toolCallContext } from './testing/tool-call-context.js';
import { toolError } from './testing/tool-error.js';

const apiKey = 'agent-test-key';
const home = mkdtempSync(join(tmpdir(), 'klody-agent-library-'));
const books = join(home, 'books');
const reaper = useProcessReaper();
let url: string;
let library: LibraryBrainClient;
let stop: () => Promise<unknown>;

const context = toolCallContext();

beforeAll(async () => {
  mkdirSync(books);
  writeFileSync(
    join(books, 'lighthouse.txt'),
    'The Lighthouse Keeper\n\nThe keeper climbed the tower every evening. He lit the great lamp at dusk so that the ships could see the rocks. In winter the storms were terrible and the waves broke over the rocks.\n',
  );
  writeFileSync(
    join(books, 'bread.txt'),
    'Bread\n\nBakers knead the dough and let it rise overnight. In the morning they bake the loaves in a hot oven.\n',
  );
  writeFileSync(
    join(books, 'abeilles.txt'),
    "Les Abeilles\n\nLes abeilles butinent les fleurs de la prairie et font le miel dans la ruche. L'apiculteur récolte le miel à la fin de l'été.\n",
  );
  const server = await startLibraryBrain(reaper, { home, roots: [books], apiKey });
  url = server.url;
  stop = server.stop;
  expect(await server.ingest([books])).toMatchObject({ added: 3, failed: [] });
  library = createLibraryBrainClient({ url, apiKey, timeoutMs: 20_000, answerTimeoutMs: 30_000 });
}, 90_000);

afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('the Library Brain tools against a running Library Brain', () => {
  it('reads its health', async () => {
    expect(await library.health()).toEqual({ name: 'Library Brain', url, status: 'ok', message: null });
  });

  it('search_books returns passages with book, chapter, offsets and text', async () => {
    const tool = createSearchBooksTool(library);
    const output = await tool.execute(
      tool.inputSchema.parse({ query: 'keeper lamp dusk', limit: 2 }),
      context,
    );
    const { passages } = output.data as {
      passages: { book: string; start: number; end: number; text: string }[];
    };
    expect(passages.length).toBeGreaterThanOrEqual(1);
    expect(passages.length).toBeLessThanOrEqual(2);
    expect(passages[0]).toMatchObject({ book: 'The Lighthouse Keeper', start: expect.any(Number) });
    expect(passages[0]?.text).toContain('lit the great lamp at dusk');
    expect(output.text).toMatch(/^\d passages? for "keeper lamp dusk":\n\[1\] The Lighthouse Keeper/);
    expect(output.text).toContain(`(characters ${passages[0]?.start}–${passages[0]?.end})`);
  });

  it('search_books says so when nothing matches', async () => {
    const output = await createSearchBooksTool(library).execute({ query: 'submarine periscope' }, context);
    expect(output.text).toBe('No passage of the books matches "submarine periscope".');
  });

  it('ask_books answers with the sources it cites, and says when the books do not answer', async () => {
    const tool = createAskBooksTool(library);
    const output = await tool.execute(
      tool.inputSchema.parse({ question: 'When did the keeper light the lamp?' }),
      context,
    );
    const answer = output.data as { answer: string; refused: boolean; mode: string };
    expect(answer).toMatchObject({ refused: false, mode: 'extractive' });
    expect(answer.answer).toMatch(/keeper/i);
    expect(output.text.startsWith(answer.answer.trim())).toBe(true);
    expect(output.text).toMatch(/\nSources:\n\[1\] The Lighthouse Keeper.*\(characters \d+–\d+\)/);
    const french = await tool.execute({ question: 'Que font les abeilles avec les fleurs ?' }, context);
    expect(french.text).toMatch(/Les Abeilles/);
    const refused = await tool.execute({ question: 'Which country won the 2018 FIFA World Cup?' }, context);
    expect(refused.data).toMatchObject({ refused: true, citations: [] });
    expect(refused.text).toMatch(/^The books do not answer this\./);
  });

  it('remove_book removes a book by its exact title, and refuses a title or id that names none', async () => {
    const tool = createRemoveBookTool(library);
    const output = await tool.execute(tool.inputSchema.parse({ book: 'bread' }), context);
    expect(output.text).toMatch(/^Removed "Bread" \(id \d+, \d+ passages\) from the library\.$/);
    expect((await library.books()).map((book) => book.title).sort()).toEqual([
      'Les Abeilles',
      'The Lighthouse Keeper',
    ]);
    const again = await toolError(tool.execute({ book: 'Bread' }, context));
    expect(again.code).toBe('not_found');
    expect(again.message).toMatch(/^no book is titled "Bread"\. Books: .*The Lighthouse Keeper \(id \d+\)/);
    const missing = await toolError(tool.execute({ book: 999 }, context));
    expect(missing.message).toBe(`Library Brain at ${url} refused the request (404): no book with id 999`);
  });

  it('says Library Brain refused the call without its API key', async () => {
    const keyless = createLibraryBrainClient({ url, timeoutMs: 20_000 });
    const error = await toolError(createSearchBooksTool(keyless).execute({ query: 'bees' }, context));
    expect(error.message).toMatch(
      new RegExp(`^Library Brain at ${url} refused the request \\(401\\).*Check its API key\\.$`),
    );
  });

  it('says Library Brain is not running once it has stopped', async () => {
    await stop();
    const error = await toolError(createSearchBooksTool(library).execute({ query: 'lamp' }, context));
    expect(error.message).toBe(`Library Brain is not running at ${url} (connection refused)`);
    const ask = await toolError(
      createAskBooksTool(library).execute({ question: 'Who lit the lamp?' }, context),
    );
    expect(ask.code).toBe('organ_not_running');
    expect(await library.health()).toEqual({
      name: 'Library Brain',
      url,
      status: 'unreachable',
      message: `Library Brain is not running at ${url} (connection refused)`,
    });
  });
});
