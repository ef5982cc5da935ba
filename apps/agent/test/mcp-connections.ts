// Klody's MCP server as the tests reach it: the SDK's own client (@klody/mcp/testing) and the stdio
// command the README documents.
import { repositoryRoot } from '@klody/test-helpers';

export {
  connectOverHttp,
  connectOverStdio,
  type StdioConnection,
  textOf,
} from '@klody/mcp/testing';

/** The command the README documents for Claude Desktop, Claude Code and VS Code. */
export function documentedStdioCommand(): { command: string; args: string[] } {
  return { command: 'pnpm', args: ['--silent', '--dir', repositoryRoot(), 'klody-mcp'] };
}
