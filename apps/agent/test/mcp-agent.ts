// What the MCP end-to-end tests share: the real agent (openAgent) in a temporary KLODY_HOME, its
// mcp.yaml, and the two servers they start over stdio with this very Node: server-filesystem from npm
// and our notes fixture.
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { readConfig } from '../src/config/config.js';
import { type OpenAgentOptions, type OpenedAgent, openAgent } from '../src/open-agent.js';

const require = createRequire(import.meta.url);

/** server-filesystem's entry point in node_modules, started with `process.execPath`. */
export const filesystemServer = require.resolve('@modelcontextprotocol/server-filesystem/dist/index.js');

export const notesServer = fileURLToPath(new URL('./fixtures/notes-mcp-server.mjs', import.meta.url));

/** A temporary folder, by its real path (server-filesystem compares resolved paths). */
export function temporaryFolder(prefix: string): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

export function mcpYamlPath(home: string): string {
  return join(home, 'agent', 'mcp.yaml');
}

/** Writes `$KLODY_HOME/agent/mcp.yaml` (YAML text as given, or an object turned into YAML). */
export function writeMcpYaml(home: string, content: string | { servers: Record<string, unknown> }): void {
  mkdirSync(join(home, 'agent'), { recursive: true });
  writeFileSync(mcpYamlPath(home), typeof content === 'string' ? content : stringify(content));
}

/** The notes fixture's entry in mcp.yaml, keeping its state in `folder`. */
export function notesEntry(folder: string, extra: Record<string, unknown> = {}) {
  return { command: process.execPath, args: [notesServer], env: { NOTES_FOLDER: folder }, ...extra };
}

/** The process ids the notes fixture wrote at each start. */
export function notesStarts(folder: string): number[] {
  try {
    return readFileSync(join(folder, 'starts.log'), 'utf8').trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function notesWritten(folder: string): string[] {
  try {
    return readFileSync(join(folder, 'notes.log'), 'utf8').trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** The real agent over the scripted gateway; the organs are off. */
export function openMcpAgent(
  home: string,
  gatewayURL: string,
  options: OpenAgentOptions & { env?: Record<string, string> } = {},
): Promise<OpenedAgent> {
  const { env, ...openOptions } = options;
  const config = readConfig({
    KLODY_HOME: home,
    KLODY_GATEWAY_URL: gatewayURL,
    KLODY_LIBRARY_BRAIN_URL: 'none',
    KLODY_VOCALBRAIN_URL: 'none',
    ...env,
  });
  return openAgent(config, { ...openOptions, mcp: { readyWaitMs: 15_000, ...openOptions.mcp } });
}
