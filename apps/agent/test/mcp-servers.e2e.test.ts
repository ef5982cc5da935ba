// The agent's MCP servers over time, with our notes fixture (a real stdio server): a tool whose
// definition changes between two starts is disabled until `pnpm agent mcp approve`, a server that dies
// is restarted by the next call, one that hangs costs a call and not the turn, and mcp.yaml is
// reloaded while the agent runs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collect, eventOf } from '../src/agent/testing/agent-test-bench.js';
import { readConfig } from '../src/config/config.js';
import { type RunningServer, startServer } from '../src/http/start-server.js';
import type { AgentEvent } from '../src/index.js';
import type { McpServersView } from '../src/mcp-client/mcp-servers-view.js';
import type { OpenedAgent } from '../src/open-agent.js';
import { type FakeOpenAIServer, startFakeOpenAIServer } from './fake-openai-server.js';
import {
  notesEntry,
  notesStarts,
  notesWritten,
  openMcpAgent,
  temporaryFolder,
  writeMcpYaml,
} from './mcp-agent.js';
import { onlyJsonLine, runAgentCli } from './run-agent-cli.js';

let gateway: FakeOpenAIServer;
const opened: OpenedAgent[] = [];

beforeAll(async () => {
  gateway = await startFakeOpenAIServer();
});
afterAll(async () => {
  await gateway.close();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((agent) => agent.close()));
  gateway.replies.length = 0;
  gateway.requests.length = 0;
});

async function open(home: string, options: Parameters<typeof openMcpAgent>[2] = {}): Promise<OpenedAgent> {
  const agent = await openMcpAgent(home, gateway.url, options);
  opened.push(agent);
  return agent;
}

async function close(agent: OpenedAgent): Promise<void> {
  opened.splice(opened.indexOf(agent), 1);
  await agent.close();
}

const steps = (events: AgentEvent[]) =>
  events.flatMap((event) => (event.type === 'tool-result' ? [event.step] : []));
const lastDeclared = () => (gateway.requests.at(-1)?.body.tools ?? []).map((tool) => tool.function.name);
const toolOf = (view: McpServersView, name: string) =>
  view.servers.flatMap((server) => server.tools).find((tool) => tool.name === name);

describe('a tool whose definition changed', () => {
  it('is disabled after the change (not declared, a call refused and never run) until mcp approve', async () => {
    const home = temporaryFolder('klody-agent-mcp-pin-');
    const notes = temporaryFolder('klody-agent-mcp-notes-');
    writeMcpYaml(home, { servers: { notes: notesEntry(notes) } });

    // First start: the tools are pinned as they are, and save_note (write) runs without asking.
    const first = await open(home, { mcp: { watch: false } });
    gateway.replies.push(
      { toolCalls: [{ name: 'notes__save_note', arguments: { text: 'first' } }] },
      { text: ['Saved.'] },
    );
    const saved = await collect(first.agent.send({ message: 'Note: first' }));
    expect(steps(saved)).toEqual([
      expect.objectContaining({
        tool: 'notes__save_note',
        effect: 'write',
        approval: 'not_needed',
        status: 'done',
      }),
    ]);
    expect(notesWritten(notes)).toEqual(['first']);
    await close(first);

    // Second start: the server now describes save_note differently.
    writeFileSync(join(notes, 'description.txt'), 'Saves a note and sends a copy to everyone you know.');
    const second = await open(home, { mcp: { watch: false } });
    await second.mcp.settled();
    expect(toolOf(second.mcp.view(), 'notes__save_note')).toMatchObject({ pin: 'changed', offered: false });
    expect(toolOf(second.mcp.view(), 'notes__read_notes')).toMatchObject({ pin: 'pinned', offered: true });

    // The model calls it anyway (it remembers it): refused, never run, and told how to re-enable it.
    gateway.replies.push(
      { toolCalls: [{ name: 'notes__save_note', arguments: { text: 'second' } }] },
      { text: ['I could not save it.'] },
    );
    const refused = await collect(second.agent.send({ message: 'Note: second' }));
    expect(lastDeclared()).toContain('notes__read_notes');
    expect(lastDeclared()).not.toContain('notes__save_note');
    expect(gateway.requests.at(-2)?.body.tools?.map((tool) => tool.function.name)).not.toContain(
      'notes__save_note',
    );
    expect(steps(refused)).toEqual([
      expect.objectContaining({ tool: 'notes__save_note', status: 'not_run' }),
    ]);
    expect(steps(refused)[0]?.output).toMatch(/definition changed.*pnpm agent mcp approve notes save_note/);
    expect(notesWritten(notes)).toEqual(['first']);

    // The list command (another process) shows it; approve (another process) re-enables it here.
    const env = { KLODY_HOME: home, KLODY_GATEWAY_URL: gateway.url, KLODY_LOG_LEVEL: 'error' };
    const listed = await runAgentCli(['mcp', 'list', '--json'], env);
    expect(listed.code).toBe(0);
    const view = onlyJsonLine(listed.stdout) as McpServersView;
    expect(view.servers[0]).toMatchObject({ name: 'notes', state: 'connected' });
    expect(toolOf(view, 'notes__save_note')).toMatchObject({
      effect: 'write',
      pin: 'changed',
      offered: false,
    });
    const table = await runAgentCli(['mcp', 'list'], env);
    expect(table.stdout).toMatch(
      /notes__save_note\s+write\s+changed\s+no: pnpm agent mcp approve notes save_note/,
    );

    const approved = await runAgentCli(['mcp', 'approve', 'notes', 'save_note'], env);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(
      /^approved notes__save_note \(write\), pinned at [0-9a-f]{12}…: Saves a note and sends a copy/,
    );
    const unknown = await runAgentCli(['mcp', 'approve', 'notes', 'no_such_tool', '--json'], env);
    expect(unknown.code).toBe(2);
    expect(onlyJsonLine(unknown.stdout)).toMatchObject({ error: { code: 'mcp_tool_not_found' } });

    gateway.replies.push(
      { toolCalls: [{ name: 'notes__save_note', arguments: { text: 'third' } }] },
      { text: ['Saved.'] },
    );
    const reenabled = await collect(second.agent.send({ message: 'Note: third' }));
    expect(gateway.requests.at(-2)?.body.tools?.map((tool) => tool.function.name)).toContain(
      'notes__save_note',
    );
    expect(steps(reenabled)).toEqual([expect.objectContaining({ tool: 'notes__save_note', status: 'done' })]);
    expect(notesWritten(notes)).toEqual(['first', 'third']);
  });

  it('never runs a call approved while its tool was disabled meanwhile', async () => {
    const home = temporaryFolder('klody-agent-mcp-pending-');
    const notes = temporaryFolder('klody-agent-mcp-notes-');
    writeMcpYaml(home, { servers: { notes: notesEntry(notes) } });
    const agent = await open(home, { mcp: { watch: false } });
    // read_notes is untrusted output: the write after it asks.
    gateway.replies.push(
      { toolCalls: [{ name: 'notes__read_notes', arguments: {} }] },
      { toolCalls: [{ name: 'notes__save_note', arguments: { text: 'pending' } }] },
      { text: ['Not saved.'] },
    );
    const asked = await collect(agent.agent.send({ message: 'Read the notes, then save one' }));
    const request = eventOf(asked, 'approval-request');
    expect(request.tool).toBe('notes__save_note');

    // The server is restarted with another definition of save_note (mcp.yaml edited: new settings).
    writeFileSync(join(notes, 'description.txt'), 'Saves a note, then deletes all the others.');
    writeMcpYaml(home, { servers: { notes: notesEntry(notes, { timeoutSeconds: 30 }) } });
    await agent.mcp.reload();
    await agent.mcp.settled();
    expect(toolOf(agent.mcp.view(), 'notes__save_note')).toMatchObject({
      pin: 'changed',
      effect: 'destructive',
    });

    const { sessionId } = eventOf(asked, 'turn-start');
    const decided = await collect(
      agent.agent.decide({ sessionId, approvalId: request.approvalId, decision: 'approve' }),
    );
    expect(steps(decided)).toEqual([
      expect.objectContaining({ tool: 'notes__save_note', status: 'not_run', approval: 'approved' }),
    ]);
    expect(steps(decided)[0]?.output).toMatch(/not available: its definition changed/);
    expect(notesWritten(notes)).toEqual([]);
  });
});

describe('a tool that changes while its server runs', () => {
  it("is listed again on the server's notice, and disabled without a restart", async () => {
    const home = temporaryFolder('klody-agent-mcp-notice-');
    const notes = temporaryFolder('klody-agent-mcp-notes-');
    writeMcpYaml(home, { servers: { notes: notesEntry(notes) } });
    const agent = await open(home, { mcp: { watch: false } });
    gateway.replies.push(
      {
        toolCalls: [
          { name: 'notes__update_description', arguments: { text: 'Saves a note, and mails it out.' } },
        ],
      },
      { toolCalls: [{ name: 'notes__save_note', arguments: { text: 'after the change' } }] },
      { text: ['Not saved.'] },
    );
    const events = await collect(agent.agent.send({ message: 'Update the description, then save a note' }));
    expect(steps(events).map((step) => [step.tool, step.status])).toEqual([
      ['notes__update_description', 'done'],
      ['notes__save_note', 'not_run'],
    ]);
    expect(notesWritten(notes)).toEqual([]);
    expect(lastDeclared()).not.toContain('notes__save_note');
    expect(toolOf(agent.mcp.view(), 'notes__save_note')).toMatchObject({ pin: 'changed', offered: false });
    expect(notesStarts(notes)).toHaveLength(1);
  });
});

describe('a server that dies or hangs', () => {
  it('is marked down when its process dies, and the next call starts it again', async () => {
    const home = temporaryFolder('klody-agent-mcp-dies-');
    const notes = temporaryFolder('klody-agent-mcp-notes-');
    writeMcpYaml(home, { servers: { notes: notesEntry(notes) } });
    const agent = await open(home, { mcp: { watch: false } });
    await agent.mcp.settled();
    const [firstPid] = notesStarts(notes);
    expect(firstPid).toBeGreaterThan(0);

    // Killed from outside (out of memory, a crash): reported down with why.
    process.kill(firstPid as number, 'SIGKILL');
    await expect.poll(() => agent.mcp.view().servers[0]?.state, { timeout: 10_000 }).toBe('down');
    expect(agent.mcp.view().servers[0]?.reason).toMatch(/its process exited/);
    // Its tools are still offered: a call is what starts it again.
    gateway.replies.push(
      { toolCalls: [{ name: 'notes__read_notes', arguments: {} }] },
      { text: ['No notes.'] },
    );
    const events = await collect(agent.agent.send({ message: 'Read my notes' }));
    expect(lastDeclared()).toContain('notes__read_notes');
    expect(steps(events)).toEqual([
      expect.objectContaining({ tool: 'notes__read_notes', status: 'done', output: 'no notes yet' }),
    ]);
    expect(notesStarts(notes)).toHaveLength(2);
    expect(agent.mcp.view().servers[0]?.state).toBe('connected');
  });

  it('gives a hung call a ToolError naming the server after timeoutSeconds, and the turn goes on', async () => {
    const home = temporaryFolder('klody-agent-mcp-hangs-');
    const notes = temporaryFolder('klody-agent-mcp-notes-');
    writeMcpYaml(home, { servers: { notes: notesEntry(notes, { timeoutSeconds: 1 }) } });
    const agent = await open(home, { mcp: { watch: false } });
    gateway.replies.push(
      { toolCalls: [{ name: 'notes__read_slowly', arguments: {} }] },
      { toolCalls: [{ name: 'notes__read_notes', arguments: {} }] },
      { text: ['The slow read gave up; there are no notes.'] },
    );
    const started = performance.now();
    const events = await collect(agent.agent.send({ message: 'Read my notes slowly' }));
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(steps(events).map((step) => [step.tool, step.status, step.output])).toEqual([
      [
        'notes__read_slowly',
        'failed',
        'the MCP server "notes" did not answer read_slowly within 1 s; the call was abandoned; notes__read_slowly did not complete',
      ],
      ['notes__read_notes', 'done', 'no notes yet'],
    ]);
    expect(eventOf(events, 'turn-end').answer).toBe('The slow read gave up; there are no notes.');
  });
});

describe('mcp.yaml reloaded while the agent runs', () => {
  it('adds and removes servers without a restart; an invalid edit keeps the previous ones and says why', async () => {
    const home = temporaryFolder('klody-agent-mcp-reload-');
    const first = temporaryFolder('klody-agent-mcp-notes-');
    const second = temporaryFolder('klody-agent-mcp-notes-');
    writeMcpYaml(home, { servers: { notes: notesEntry(first) } });
    const agent = await open(home, { mcp: { reloadDebounceMs: 100 } });
    const names = () => agent.mcp.view().servers.map((server) => `${server.name}:${server.state}`);
    await agent.mcp.settled();
    expect(names()).toEqual(['notes:connected']);

    writeMcpYaml(home, { servers: { notes: notesEntry(first), more: notesEntry(second) } });
    await expect.poll(names, { timeout: 15_000 }).toEqual(['more:connected', 'notes:connected']);
    gateway.replies.push({ text: ['Both.'] });
    await collect(agent.agent.send({ message: 'Which tools?' }));
    expect(lastDeclared()).toEqual(expect.arrayContaining(['notes__read_notes', 'more__read_notes']));

    const firstPid = notesStarts(first)[0] as number;
    writeMcpYaml(home, { servers: { more: notesEntry(second) } });
    await expect.poll(names, { timeout: 15_000 }).toEqual(['more:connected']);
    // The removed server's process is stopped.
    await expect
      .poll(
        () => {
          try {
            process.kill(firstPid, 0);
            return 'alive';
          } catch {
            return 'gone';
          }
        },
        { timeout: 15_000 },
      )
      .toBe('gone');
    gateway.replies.push({ text: ['One.'] });
    await collect(agent.agent.send({ message: 'Which tools now?' }));
    expect(lastDeclared()).toContain('more__read_notes');
    expect(lastDeclared().some((name) => name.startsWith('notes__'))).toBe(false);

    // Not YAML any more: the previous servers stay, and the list says why.
    writeMcpYaml(home, 'servers:\n  more: [unclosed\n');
    await expect
      .poll(() => agent.mcp.view().configError, { timeout: 15_000 })
      .toMatch(/mcp\.yaml: not valid YAML/);
    expect(names()).toEqual(['more:connected']);
    // One wrong entry: its previous settings keep running, with the error beside them.
    writeMcpYaml(home, { servers: { more: { ...notesEntry(second), timeoutSeconds: -1 } } });
    await expect
      .poll(() => agent.mcp.view().servers[0]?.configError, { timeout: 15_000 })
      .toMatch(/servers\.more\.timeoutSeconds: must be more than 0 seconds/);
    expect(agent.mcp.view().configError).toBeNull();
    expect(names()).toEqual(['more:connected']);
    expect(notesStarts(second)).toHaveLength(1);
    gateway.replies.push({ text: ['Still one.'] });
    await collect(agent.agent.send({ message: 'And now?' }));
    expect(lastDeclared()).toContain('more__read_notes');
  });
});

describe('the MCP routes of the HTTP API', () => {
  let server: RunningServer | null = null;
  afterEach(async () => {
    await server?.close({ graceMs: 100 });
    server = null;
  });

  it('lists the servers at GET /api/mcp and approves at POST …/approve, behind the API key', async () => {
    const home = temporaryFolder('klody-agent-mcp-http-');
    const notes = temporaryFolder('klody-agent-mcp-notes-');
    writeMcpYaml(home, { servers: { notes: notesEntry(notes) } });
    server = await startServer(
      readConfig({
        KLODY_HOME: home,
        KLODY_GATEWAY_URL: gateway.url,
        KLODY_LIBRARY_BRAIN_URL: 'none',
        KLODY_VOCALBRAIN_URL: 'none',
        KLODY_AGENT_API_KEY: 'key-1',
      }),
      { port: 0 },
    );
    await server.opened.mcp.settled();
    const headers = { authorization: 'Bearer key-1' };
    expect((await fetch(`${server.url}/api/mcp`)).status).toBe(401);
    const listed = await fetch(`${server.url}/api/mcp`, { headers });
    expect(listed.status).toBe(200);
    const view = (await listed.json()) as McpServersView;
    expect(view.configError).toBeNull();
    expect(view.servers[0]).toMatchObject({ name: 'notes', state: 'connected' });
    expect(toolOf(view, 'notes__save_note')).toMatchObject({ effect: 'write', pin: 'pinned', offered: true });

    const approve = (tool: string) =>
      fetch(`${server?.url}/api/mcp/servers/notes/tools/${tool}/approve`, { method: 'POST', headers });
    const nothing = await approve('save_note');
    expect(nothing.status).toBe(200);
    expect(await nothing.json()).toEqual({ approved: [] });
    const missing = await approve('no_such_tool');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'mcp_tool_not_found' } });
    const noServer = await fetch(`${server.url}/api/mcp/servers/nope/tools/x/approve`, {
      method: 'POST',
      headers,
    });
    expect(noServer.status).toBe(404);
    expect(await noServer.json()).toMatchObject({ error: { code: 'mcp_server_not_found' } });
  });
});
