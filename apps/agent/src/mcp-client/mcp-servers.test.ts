import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMcpServers, type McpServers } from './mcp-servers.js';
import { createMcpToolPins } from './mcp-tool-pins.js';
import { McpToolsError } from './mcp-tools-error.js';

// No server process here: only entries that are never started (invalid, disabled). The servers that
// run are in test/mcp-*.e2e.test.ts.
describe('createMcpServers without running servers', () => {
  let folder: string;
  let connection: Database.Database;
  let servers: McpServers;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'klody-mcp-servers-'));
    connection = new Database(join(folder, 'agent.db'));
  });
  afterEach(async () => {
    await servers.close();
    connection.close();
    rmSync(folder, { recursive: true, force: true });
  });

  function open(yaml: string): McpServers {
    const configPath = join(folder, 'mcp.yaml');
    writeFileSync(configPath, yaml);
    servers = createMcpServers({
      configPath,
      pins: createMcpToolPins(connection),
      callTimeoutMs: 1_000,
      watch: false,
    });
    servers.start();
    return servers;
  }

  it('shows an entry that was never valid as invalid, and one with enabled: false as disabled', async () => {
    open(
      'servers:\n  broken: { command: node, args: [1] }\n  later: { url: "http://127.0.0.1:1/mcp", enabled: false }\n',
    );
    await servers.settled();
    expect(
      servers.view().servers.map(({ name, state, reason, transport, tools }) => ({
        name,
        state,
        reason,
        transport,
        tools,
      })),
    ).toEqual([
      {
        name: 'broken',
        state: 'invalid',
        reason: `${join(folder, 'mcp.yaml')}: servers.broken.args.0: must be text (quote numbers: "8080")`,
        transport: null,
        tools: [],
      },
      {
        name: 'later',
        state: 'disabled',
        reason: 'enabled: false in mcp.yaml',
        transport: 'http',
        tools: [],
      },
    ]);
    // Neither offers anything, and a turn does not wait for them.
    expect(servers.snapshot().tools).toEqual([]);
    const started = performance.now();
    await servers.ready();
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('refuses to approve a server or a tool it has never seen, naming them', () => {
    open('servers:\n  later: { url: "http://127.0.0.1:1/mcp", enabled: false }\n');
    const refusal = (server: string, tool?: string) => {
      try {
        servers.approve(server, tool);
      } catch (error) {
        if (McpToolsError.isInstance(error)) return [error.code, error.message];
      }
      return null;
    };
    expect(refusal('nope')).toEqual([
      'mcp_server_not_found',
      'no MCP server "nope" whose tools were seen (pnpm agent mcp list shows the servers and their tools)',
    ]);
    expect(refusal('later', 'write_file')).toEqual([
      'mcp_tool_not_found',
      'the MCP server "later" has no tool "write_file" seen yet (pnpm agent mcp list shows them)',
    ]);
    // Once its tools were seen, the prefixed name is understood too.
    createMcpToolPins(connection).see({
      server: 'later',
      tool: 'write_file',
      hash: 'h1',
      effect: 'write',
      definition: {},
    });
    expect(servers.approve('later', 'later__write_file')).toEqual([]);
  });
});
