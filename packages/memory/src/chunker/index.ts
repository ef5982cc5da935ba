export type { Chunk, Chunker } from './chunker.js';
export { createStructuralChunker, type StructuralChunkerOptions } from './structural-chunker.js';
