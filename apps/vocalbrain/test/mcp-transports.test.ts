// What each MCP transport owes besides the tools' contract (mcp-contract.test.ts): stdio keeps stdout
// for protocol messages and ends with its client; /mcp keeps the loopback policy and the key; an
// engine that fails is an isError sentence, never a stack or a hang.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawRequest } from '@klody/service/testing';
import { findExecutable } from '@klody/test-helpers';
import { describeRequiring, spawnForTest } from '@klody/test-helpers/vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './speech-test-server.js';
import { documentedStdioCommand, mcpTestEnvironment, textOf, wavOf } from './support/mcp-support.js';

const homes: string[] = [];
function temporaryHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'vocalbrain-mcp-'));
  homes.push(home);
  return home;
}
afterAll(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

const messages = [
  {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  { jsonrpc: '2.0', id: 2, method: 'tools/list' },
  {
    jsonrpc: '2.0',
    id: 3,
    method: 'tools/call',
    params: { name: 'speak', arguments: { text: 'Hello from the pipe.', voice: 'espeak-ng/en-us' } },
  },
  { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'find_track', arguments: { k: 'three' } } },
];

describeRequiring({ tools: ['espeak-ng', 'pnpm'] }, 'VocalBrain MCP over stdio', () => {
  it('writes only JSON-RPC messages on stdout, one a line, and exits 0 when the client closes stdin', async () => {
    const { command, args } = documentedStdioCommand();
    const server = spawnForTest(command, args, {
      cwd: tmpdir(),
      env: { ...process.env, ...mcpTestEnvironment(temporaryHome()), KLODY_LOG_LEVEL: 'info' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    server.child.stdin?.write(messages.map((message) => `${JSON.stringify(message)}\n`).join(''));
    // Answers come as calls finish (speak after find_track's refusal); closing stdin ends the session,
    // so the client waits for both.
    await server.waitForOutput(/"id":3\}[\s\S]*"id":4\}|"id":4\}[\s\S]*"id":3\}/, 90_000);
    server.child.stdin?.end();
    const exit = await server.exited;
    expect(exit).toEqual({ code: 0, signal: null });

    const lines = server.stdout().split('\n');
    expect(lines.pop()).toBe('');
    const parsed = lines.map((line) => {
      let message: { jsonrpc?: string; id?: number; result?: unknown; error?: unknown };
      try {
        message = JSON.parse(line);
      } catch {
        throw new Error(`a stdout line is not JSON: ${line.slice(0, 200)}`);
      }
      expect(message.jsonrpc).toBe('2.0');
      return message;
    });
    expect(parsed.map((message) => message.id).sort()).toEqual([1, 2, 3, 4]);
    const answer = (id: number) =>
      parsed.find((message) => message.id === id)?.result as Record<string, unknown>;
    expect(wavOf(answer(3)).seconds).toBeGreaterThan(0.5);
    expect(answer(4)).toMatchObject({ isError: true });
    expect(textOf(answer(4))).toMatch(/at k|at description/);
    // The logs went somewhere: stderr, as JSON lines naming the service.
    expect(server.stderr()).toContain('"service":"vocalbrain"');
  }, 120_000);
});

describeRequiring(
  { tools: ['espeak-ng'] },
  'VocalBrain MCP over HTTP: policy, key and a failing engine',
  () => {
    const apiKey = 'mcp-test-key';
    let server: TestServer;
    beforeAll(async () => {
      const home = temporaryHome();
      // A fake espeak-ng: it lists the real voices (so the engine is found at start-up) and fails
      // every synthesis the way a crashing engine does, with a message on stderr.
      const fakeEspeak = join(home, 'fake-espeak-ng');
      writeFileSync(
        fakeEspeak,
        `#!/bin/sh\ncase "$1" in --voices*) exec ${findExecutable('espeak-ng')} "$@";; esac\necho "fake-espeak-ng: the synthesiser crashed" >&2\nexit 3\n`,
      );
      chmodSync(fakeEspeak, 0o755);
      server = await startTestServer({
        home,
        env: {
          ...mcpTestEnvironment(home),
          KLODY_VOCALBRAIN_API_KEY: apiKey,
          KLODY_VOCALBRAIN_ESPEAK: fakeEspeak,
        },
      });
    }, 60_000);
    afterAll(() => server?.close());

    const listTools = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const protocolHeaders = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };

    it('refuses a foreign Host with 403, before the key or the protocol', async () => {
      const answer = await rawRequest(server.url, {
        method: 'POST',
        path: '/mcp',
        headers: { ...protocolHeaders, host: 'evil.example', authorization: `Bearer ${apiKey}` },
        body: listTools,
      });
      expect(answer.status).toBe(403);
      expect(answer.errorCode).not.toBeNull();
    });

    it('asks for the key: 401 without it, the tools with it', async () => {
      const without = await fetch(`${server.url}/mcp`, {
        method: 'POST',
        headers: protocolHeaders,
        body: listTools,
      });
      expect(without.status).toBe(401);
      expect(await without.json()).toMatchObject({ error: { code: expect.any(String) } });
      const client = new Client({ name: 'vocalbrain-key', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
          requestInit: { headers: { authorization: `Bearer ${apiKey}` } },
        }),
      );
      expect((await client.listTools()).tools).toHaveLength(3);
      await client.close();
    });

    it('answers an engine failure with an isError sentence at once, and keeps serving', async () => {
      const client = new Client({ name: 'vocalbrain-failure', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
          requestInit: { headers: { authorization: `Bearer ${apiKey}` } },
        }),
      );
      const started = performance.now();
      const result = await client.callTool({
        name: 'speak',
        arguments: { text: 'This will not be said.', voice: 'espeak-ng/en-us' },
      });
      expect(performance.now() - started).toBeLessThan(15_000);
      expect(result.isError).toBe(true);
      const text = textOf(result);
      expect(text).toMatch(
        /^speak failed: espeak-ng: .*fake-espeak-ng exited with 3: fake-espeak-ng: the synthesiser crashed$/,
      );
      expect(text).not.toMatch(/\n\s+at |node_modules|VoiceError/);
      // The server is still there for the next call.
      const found = await client.callTool({ name: 'find_track', arguments: { description: 'rain' } });
      expect(found.isError).toBeFalsy();
      expect(textOf(found)).toMatch(/^No track matches "rain"/);
      await client.close();
    });
  },
);

const sentence = 'Please turn on the kitchen light before dinner.';

describeRequiring(
  { tools: ['espeak-ng', 'ffmpeg'], models: ['whisper-base'] },
  'VocalBrain MCP: mp3 speech heard back by faster-whisper',
  () => {
    let server: TestServer;
    beforeAll(async () => {
      // The installed models this time (no seeded library: adding tracks would run Whisper on them).
      server = await startTestServer({ env: { KLODY_LOG_LEVEL: 'warn' } });
    }, 60_000);
    afterAll(() => server?.close());

    it('speaks mp3 and transcribes it given as audio/mpeg, with language and segments', async () => {
      const client = new Client({ name: 'vocalbrain-whisper', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
      const spoken = await client.callTool({
        name: 'speak',
        arguments: { text: sentence, voice: 'espeak-ng/en-us', format: 'mp3' },
      });
      expect(spoken.isError).toBeFalsy();
      const audio = (spoken.content as { type: string; data: string; mimeType: string }[])[0];
      expect(audio?.mimeType).toBe('audio/mpeg');
      const heard = await client.callTool({
        name: 'transcribe',
        arguments: { audio: audio?.data, format: 'audio/mpeg' },
      });
      expect(heard.isError).toBeFalsy();
      const answer = heard.structuredContent as {
        text: string;
        language: string;
        engine: string;
        segments: unknown[];
      };
      expect(answer.engine).toBe('faster-whisper');
      expect(answer.language).toBe('en');
      expect(answer.text.toLowerCase()).toContain('kitchen');
      expect(answer.segments.length).toBeGreaterThan(0);
      await client.close();
    }, 120_000);
  },
);
