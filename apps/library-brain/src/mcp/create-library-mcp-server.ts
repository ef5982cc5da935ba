import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerAskBooksTool } from './ask-books-tool.js';
import type { LibraryMcpDependencies } from './library-mcp-dependencies.js';
import { registerListBooksTool } from './list-books-tool.js';
import { registerSearchBooksTool } from './search-books-tool.js';

/** Apps are private and unversioned: the server says the package's version as it is. */
const serverVersion = '0.0.0';

const instructions =
  "Library Brain answers only from the user's own books, on this machine. list_books says which books there are; search_books finds passages; ask_books answers a question with citations checked against the books, and says so when the books do not hold the answer.";

/**
 * Library Brain as an MCP server: `search_books`, `ask_books` and `list_books`, on the same library the
 * HTTP API and the CLI use. Cheap to make (the library is opened once, outside): the HTTP transport
 * makes one per request.
 */
export function createLibraryMcpServer(dependencies: LibraryMcpDependencies): McpServer {
  const server = new McpServer({ name: 'library-brain', version: serverVersion }, { instructions });
  registerSearchBooksTool(server, dependencies);
  registerAskBooksTool(server, dependencies);
  registerListBooksTool(server, dependencies);
  return server;
}
