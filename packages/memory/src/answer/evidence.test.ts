import { afterEach, expect, it } from 'vitest';
import { createIngester } from '../ingest/ingester.js';
import { migrate } from '../store/migrate.js';
import { createInMemoryDatabase } from '../testing/in-memory-database.js';
import { coverage, evidenceTerms } from './evidence.js';

const databases: { close(): void }[] = [];
afterEach(() => {
  for (const database of databases.splice(0)) database.close();
});

async function library(texts: string[]) {
  const database = createInMemoryDatabase();
  databases.push(database);
  await migrate(database);
  await createIngester({ database, embedder: null }).ingest(
    texts.map((text, index) => ({ uri: `book://${index}`, text })),
  );
  return database.getConnection();
}

it('weighs a term no passage holds at twice the rarest indexed term', async () => {
  const connection = await library([
    'The keeper lit the lamp at dusk.',
    'The keeper climbed the tower.',
    'Bakers knead the dough.',
  ]);
  const evidence = evidenceTerms('keeper lamp football', connection);
  const weight = (term: string) => evidence.weights[evidence.terms.indexOf(term)] as number;
  expect(evidence.terms).toEqual(['keeper', 'lamp', 'footbal']);
  // "lamp" is in one passage (the rarest), "keeper" in two.
  expect(weight('lamp')).toBeGreaterThan(weight('keeper'));
  expect(weight('footbal')).toBeCloseTo(2 * weight('lamp'), 10);
  // So a text holding the question's other words covers less than half of it.
  expect(coverage(evidence, 'The keeper lit the lamp at dusk.')).toBeLessThan(0.5);
});
