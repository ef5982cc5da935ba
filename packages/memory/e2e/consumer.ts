// A consumer of the published package: type-checked with tsc against the installed .d.ts files,
// then run. Exercises the main entry, the /testing subpath and the worker-thread retriever.

import type { Answer, RetrievedChunk } from '@klody/memory';
import {
  createAnswerer,
  createHybridRetriever,
  createIngester,
  createWorkerRetriever,
  migrate,
  openDatabaseFile,
} from '@klody/memory';
import { createFakeEmbedder } from '@klody/memory/testing';

const path = process.argv[2] ?? 'consumer.db';
const database = openDatabaseFile(path);
await migrate(database);
const embedder = createFakeEmbedder({ dimensions: 16 });
await createIngester({ database, embedder }).ingest([
  { uri: 'doc:lighthouse', text: 'The keeper climbed the tower. He lit the great lamp at dusk.' },
  { uri: 'doc:bread', text: 'Bakers knead the dough and let it rise overnight.' },
]);
const retriever = createHybridRetriever({ database, embedder });
const hits: RetrievedChunk[] = await retriever.retrieve({ text: 'lamp keeper' });
const answer: Answer = await createAnswerer({ retriever, database }).answer(
  'When did the keeper light the lamp?',
);
const worker = createWorkerRetriever({
  openReadOnlyConnection: {
    module: import.meta.resolve('@klody/memory'),
    exportName: 'openReadOnlyConnection',
    argument: path,
  },
  embedder,
});
const fromWorker = await worker.retrieve({ text: 'dough' });
await worker.close();
database.close();
console.log(
  JSON.stringify({ top: hits[0]?.sourceUri, answer: answer.text, worker: fromWorker[0]?.sourceUri }),
);
