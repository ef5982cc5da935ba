export type { Chunk, Chunker } from './chunker.js';
export { type CodeChunkerOptions, createCodeChunker } from './code-chunker.js';
export { createLineChunker, type LineChunkerOptions } from './line-chunker.js';
export { createStructuralChunker, type StructuralChunkerOptions } from './structural-chunker.js';
