export { createLibraryMcpServer } from './create-library-mcp-server.js';
export type { LibraryMcpDependencies } from './library-mcp-dependencies.js';
export { serveLibraryOverStdio } from './serve-library-over-stdio.js';
