import {
  createCachedEmbedder,
  createDefaultLoaders,
  createEmbedderFromId,
  createIngester,
  loadDocumentFile,
  migrate,
  type SourceDocument,
} from '@klody/memory';
import { openLibraryDatabase } from '../src/database/open-database.js';
import { bookMetadata } from '../src/library/book-metadata.js';

/**
 * Ingests book files into a Library Brain database with the gateway's embedder, as Library Brain
 * would (same loaders, titles and authors, same embedding cache), but in batches of `batchSize`
 * passages with a generous time limit: on two shared cores multilingual-e5-small embeds about a
 * passage a second, and Library Brain's batches of 64 pass the embedder's 60 s request limit. The
 * library opened on the database afterwards finds the books unchanged and their vectors in place.
 */
export async function embedBooks(options: {
  databasePath: string;
  files: readonly string[];
  gatewayURL: string;
  embedModel: string;
  batchSize?: number;
  log: (message: string) => void;
}): Promise<void> {
  const database = openLibraryDatabase(options.databasePath);
  try {
    await migrate(database);
    const embedder = createCachedEmbedder({
      embedder: await createEmbedderFromId(`openai:${options.embedModel}`, {
        baseUrl: options.gatewayURL,
        timeoutMs: 20 * 60_000,
      }),
      database,
    });
    const loaders = createDefaultLoaders();
    const ingester = createIngester({ database, embedder, loaders, batchSize: options.batchSize ?? 8 });
    async function* documents(): AsyncGenerator<SourceDocument> {
      for (const file of options.files) {
        const loaded = await loadDocumentFile(file, loaders);
        const { title, author } = bookMetadata(file, loaded);
        yield {
          uri: file,
          text: loaded.text,
          title,
          format: loaded.format,
          metadata: { ...loaded.metadata, author },
        };
      }
    }
    const started = performance.now();
    const result = await ingester.ingest(documents(), {
      total: options.files.length,
      onProgress: (progress) =>
        options.log(
          `embedded ${progress.done}/${options.files.length} books, ${progress.chunks} passages, ${((performance.now() - started) / 1000).toFixed(0)} s`,
        ),
    });
    if (result.failed.length > 0)
      throw new Error(
        `embedding failed: ${result.failed.map((failure) => `${failure.uri}: ${failure.message}`).join('; ')}`,
      );
    await ingester.close();
  } finally {
    database.close();
  }
}
