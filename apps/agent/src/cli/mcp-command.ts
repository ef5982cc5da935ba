// `pnpm agent mcp list|approve`. `list` starts the servers of mcp.yaml in this process (they are
// started, listed and stopped again; a running `agent serve` keeps its own), so it shows what the
// agent would see now. `approve` only writes the pins: a running agent takes it at its next step.
import { renderTable } from '@klody/service';
import type { McpServers } from '../mcp-client/mcp-servers.js';
import type { McpServersView, McpToolView } from '../mcp-client/mcp-servers-view.js';
import { oneLine } from './step-line.js';

export type McpCommand =
  | { command: 'mcp-list'; json: boolean }
  | { command: 'mcp-approve'; server: string; tool: string | null; json: boolean };

interface Streams {
  stdout: { write(text: string): unknown };
}

/** The list for people: the file's state, a table of servers, a table of their tools. */
export function mcpListText(view: McpServersView): string {
  const lines: string[] = [`config: ${view.configPath}`];
  if (view.configError) lines.push(`invalid config (the previous servers are kept): ${view.configError}`);
  if (view.servers.length === 0) {
    lines.push('no MCP server (add one to mcp.yaml: see the agent README, "MCP servers as tools")');
    return `${lines.join('\n')}\n`;
  }
  lines.push(
    '',
    ...renderTable(
      ['server', 'state', 'tools', 'target', 'reason'],
      view.servers.map((server) => [
        server.name,
        server.state,
        String(server.tools.length),
        oneLine(server.target ?? '', 60),
        oneLine([server.reason, server.configError].filter(Boolean).join('; '), 100),
      ]),
    ),
  );
  const tools = view.servers.flatMap((server) => server.tools);
  if (tools.length > 0) {
    lines.push(
      '',
      ...renderTable(
        ['tool', 'effect', 'pin', 'offered', 'description'],
        tools.map((tool) => [
          tool.name,
          tool.effect,
          tool.pin,
          tool.offered ? 'yes' : `no: pnpm agent mcp approve ${tool.server} ${tool.tool}`,
          oneLine(tool.description, 60),
        ]),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

function approvedText(server: string, tool: string | null, approved: McpToolView[]): string {
  if (approved.length === 0) {
    return `nothing to approve: ${tool === null ? `every tool of ${server} is` : `${server} ${tool} is`} pinned as it is\n`;
  }
  return `${approved
    .map(
      (view) =>
        `approved ${view.name} (${view.effect}), pinned at ${view.pinnedHash.slice(0, 12)}…: ${oneLine(view.description, 100)}`,
    )
    .join('\n')}\n`;
}

/** Runs one mcp command on a server set opened for it; returns the exit code. */
export async function runMcpCommand(
  command: McpCommand,
  servers: McpServers,
  streams: Streams = process,
): Promise<number> {
  const print = (value: unknown) => streams.stdout.write(`${JSON.stringify(value)}\n`);
  switch (command.command) {
    case 'mcp-list': {
      servers.start();
      await servers.settled();
      const view = servers.view();
      streams.stdout.write(command.json ? `${JSON.stringify(view)}\n` : mcpListText(view));
      return 0;
    }
    case 'mcp-approve': {
      const approved = servers.approve(command.server, command.tool ?? undefined);
      if (command.json) print({ approved });
      else streams.stdout.write(approvedText(command.server, command.tool, approved));
      return 0;
    }
  }
}
