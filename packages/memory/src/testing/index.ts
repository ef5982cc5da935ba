export { createClusteredEmbedder } from './clustered-embedder.js';
export { createFakeEmbedder } from './fake-embedder.js';
export { createFakeGenerator } from './fake-generator.js';
export { createFakeReranker } from './fake-reranker.js';
export { type FakeSearxngServer, startFakeSearxngServer } from './fake-searxng-server.js';
export { createInMemoryDatabase } from './in-memory-database.js';
