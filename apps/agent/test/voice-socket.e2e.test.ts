// The `/voice` WebSocket end to end: the real agent server (startServer, SQLite in a temporary home,
// no gateway) on 127.0.0.1 with a fake voice session, and the `ws` client as a program would use it.
import { mkdtempSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { readConfig } from '../src/config/config.js';
import { type RunningServer, startServer } from '../src/http/start-server.js';
import { keyProtocol, voiceProtocol } from '../src/voice/voice-key-protocol.js';
import type { VoiceServerMessage } from '../src/voice/voice-protocol.js';
import { attachVoiceSocket } from '../src/voice/voice-socket.js';
import { createFakeVoiceSession, type FakeVoiceSession, samplesReceived } from './fake-voice-session.js';

let server: RunningServer | null = null;
const clients: WebSocket[] = [];

async function start(
  options: { fake?: FakeVoiceSession | null; env?: Record<string, string> } = {},
): Promise<RunningServer> {
  const config = readConfig({
    KLODY_HOME: mkdtempSync(join(tmpdir(), 'klody-agent-voice-')),
    // Never called: no turn runs here. A gateway that does not answer is not fatal at start-up.
    KLODY_GATEWAY_URL: 'http://127.0.0.1:9',
    KLODY_LIBRARY_BRAIN_URL: 'none',
    KLODY_VOCALBRAIN_URL: 'none',
    ...options.env,
  });
  const fake = options.fake === undefined ? createFakeVoiceSession() : options.fake;
  server = await startServer(config, { port: 0, ...(fake ? { openVoiceSession: fake.open } : {}) });
  return server;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  await server?.close({ graceMs: 100 });
  server = null;
});

/** A client that collects the server's messages and audio frames. */
function connect(
  url: string,
  protocols: string[] = [],
  headers: Record<string, string> = {},
  options: WebSocket.ClientOptions = {},
) {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/voice`, protocols, { ...options, headers });
  clients.push(socket);
  const messages: VoiceServerMessage[] = [];
  const audio: Buffer[] = [];
  socket.on('message', (data, isBinary) => {
    if (isBinary) audio.push(data as Buffer);
    else messages.push(JSON.parse(String(data)) as VoiceServerMessage);
  });
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  return { socket, messages, audio, opened, closed };
}

/** An upgrade that is refused: its status and JSON body. */
function refusal(
  url: string,
  protocols: string[] = [],
  headers: Record<string, string> = {},
  path = '/voice',
): Promise<{ status: number; body: { error: { code: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}${path}`, protocols, { headers });
    clients.push(socket);
    socket.once('open', () => reject(new Error('the upgrade was accepted')));
    socket.once('error', () => {});
    socket.once('unexpected-response', (_request, response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => {
        expect(response.headers['content-type']).toMatch(/application\/json/);
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) });
      });
    });
  });
}

const until = (condition: () => boolean) =>
  expect.poll(condition, { timeout: 5_000, interval: 10 }).toBe(true);

function pcmBytes(samples: number[]): Buffer {
  const bytes = Buffer.alloc(samples.length * 2);
  for (const [index, sample] of samples.entries()) bytes.writeInt16LE(sample, index * 2);
  return bytes;
}

describe('the /voice WebSocket', () => {
  it('hands the session configure and audio, and carries its messages and speech back', async () => {
    const fake = createFakeVoiceSession();
    const running = await start({ fake });
    const client = connect(running.url);
    await client.opened;
    await until(() => fake.connections.length === 1);
    const record = fake.connections[0] as (typeof fake.connections)[number];

    client.socket.send(JSON.stringify({ type: 'configure', duplex: 'full', language: 'fr' }));
    await until(() => client.messages.length === 1);
    expect(client.messages[0]).toEqual({
      type: 'ready',
      sessionId: null,
      duplex: 'full',
      approvals: 'ask',
      sampleRate: 16_000,
    });
    expect(record.messages).toEqual([{ type: 'configure', duplex: 'full', language: 'fr' }]);

    // Audio frames arrive as Int16Array, samples intact (extremes, signs, an odd frame length in samples).
    client.socket.send(pcmBytes([0, 1, -1, 32_767, -32_768]));
    // A frame that starts at an odd offset of its buffer must still come out right.
    const shifted = Buffer.alloc(7);
    pcmBytes([1234, -4321, 7]).copy(shifted, 1);
    client.socket.send(shifted.subarray(1));
    await until(() => record.audio.length === 2);
    expect(record.audio.every((frame) => frame instanceof Int16Array)).toBe(true);
    expect([...samplesReceived(record)]).toEqual([0, 1, -1, 32_767, -32_768, 1234, -4321, 7]);

    // The session speaks: JSON text frames, then s16le binary frames.
    record.connection.send({ type: 'sentence', index: 0, text: 'Bonjour.' });
    record.connection.send({ type: 'audio-start', index: 0, sampleRate: 22_050 });
    const speech = new Int16Array([5, -5, 300, -300]);
    record.connection.sendAudio(speech);
    speech.fill(0); // the connection copied it: reusing the array changes nothing that was sent
    record.connection.send({ type: 'audio-end', index: 0 });
    await until(() => client.messages.length === 4 && client.audio.length === 1);
    expect(client.messages.slice(1).map((message) => message.type)).toEqual([
      'sentence',
      'audio-start',
      'audio-end',
    ]);
    const frame = client.audio[0] as Buffer;
    expect([0, 2, 4, 6].map((offset) => frame.readInt16LE(offset))).toEqual([5, -5, 300, -300]);
    expect(record.connection.bufferedBytes()).toBeGreaterThanOrEqual(0);

    client.socket.send(JSON.stringify({ type: 'end-of-audio' }));
    await until(() => record.messages.length === 2);
    expect(record.messages[1]).toEqual({ type: 'end-of-audio' });
  });

  it('answers invalid JSON, an unknown message and an odd byte count with an error, and keeps the connection', async () => {
    const fake = createFakeVoiceSession();
    const running = await start({ fake });
    const client = connect(running.url);
    await client.opened;

    client.socket.send('not json {');
    client.socket.send(JSON.stringify({ type: 'shout' }));
    client.socket.send(JSON.stringify({ type: 'configure', duplex: 'sideways' }));
    client.socket.send(Buffer.from([1, 2, 3]));
    await until(() => client.messages.length === 4);
    expect(client.messages.map((message) => message.type === 'error' && message.code)).toEqual([
      'invalid_message',
      'invalid_message',
      'invalid_message',
      'invalid_audio',
    ]);
    expect((client.messages[2] as { message: string }).message).toMatch(/^duplex: /);
    const record = fake.connections[0] as (typeof fake.connections)[number];
    expect(record.messages).toEqual([]);
    expect(record.audio).toEqual([]);

    // Still open: a valid message goes through afterwards.
    client.socket.send(JSON.stringify({ type: 'interrupt' }));
    await until(() => record.messages.length === 1);
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('closes a connection that sends a frame over 1 MiB (1009), and tells the session once', async () => {
    const fake = createFakeVoiceSession();
    const running = await start({ fake });
    const client = connect(running.url);
    await client.opened;
    client.socket.send(Buffer.alloc(1024 * 1024 + 2));
    expect(await client.closed).toBe(1009);
    await until(() => fake.connections[0]?.closes === 1);
  });

  it('calls the session’s close exactly once when the client leaves, and once per connection', async () => {
    const fake = createFakeVoiceSession();
    const running = await start({ fake });
    const first = connect(running.url);
    const second = connect(running.url);
    await Promise.all([first.opened, second.opened]);
    first.socket.close(1000, 'bye');
    await first.closed;
    await until(() => fake.connections.some((record) => record.closes === 1));
    second.socket.terminate(); // no closing handshake: the server notices the TCP close
    await until(() => fake.connections.every((record) => record.closes === 1));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.connections.map((record) => record.closes)).toEqual([1, 1]);
  });

  it('closes open sockets (1001) when the server stops, telling each session once', async () => {
    const fake = createFakeVoiceSession();
    const running = await start({ fake });
    const client = connect(running.url);
    await client.opened;
    await running.close({ graceMs: 500 });
    server = null;
    expect(await client.closed).toBe(1001);
    expect(fake.connections.map((record) => record.closes)).toEqual([1]);
  });

  it('refuses a foreign Origin and a foreign Host (403) before any session starts', async () => {
    const fake = createFakeVoiceSession();
    const running = await start({ fake });
    const foreignOrigin = await refusal(running.url, [], { origin: 'https://evil.example' });
    expect(foreignOrigin.status).toBe(403);
    expect(foreignOrigin.body.error.code).toBe('forbidden_origin');
    const foreignHost = await refusal(running.url, [], { host: 'evil.example' });
    expect(foreignHost.status).toBe(403);
    expect(foreignHost.body.error.code).toBe('forbidden_host');
    expect(fake.connections).toEqual([]);

    // A page of this machine is welcome.
    const local = connect(running.url, [], { origin: running.url });
    await local.opened;
  });

  it('asks for the key when one is set (401), and takes it as a bearer or as a subprotocol', async () => {
    const fake = createFakeVoiceSession();
    const running = await start({ fake, env: { KLODY_AGENT_API_KEY: 'sesame-42' } });
    const missing = await refusal(running.url);
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('unauthorized');
    const wrongBearer = await refusal(running.url, [], { authorization: 'Bearer sesame-41' });
    expect(wrongBearer.status).toBe(401);
    const wrongProtocol = await refusal(running.url, [voiceProtocol, keyProtocol('sesame-4')]);
    expect(wrongProtocol.status).toBe(401);
    expect(fake.connections).toEqual([]);

    const bearer = connect(running.url, [], { authorization: 'Bearer sesame-42' });
    await bearer.opened;
    expect(bearer.socket.protocol).toBe('');

    // As a browser does it: the key beside the real protocol, which the server selects.
    const browser = connect(running.url, [voiceProtocol, keyProtocol('sesame-42')]);
    await browser.opened;
    expect(browser.socket.protocol).toBe(voiceProtocol);

    // The key alone is accepted too, and selected (a client that offered protocols needs one back).
    const keyOnly = connect(running.url, [keyProtocol('sesame-42')]);
    await keyOnly.opened;
    expect(keyOnly.socket.protocol).toBe(keyProtocol('sesame-42'));
    await until(() => fake.connections.length === 3);
  });

  it('answers 404 on /voice when the server has no voice sessions, and on any other path', async () => {
    const running = await start({ fake: null });
    const noVoice = await refusal(running.url);
    expect(noVoice.status).toBe(404);
    expect(noVoice.body.error.code).toBe('voice_unavailable');
    const elsewhere = await refusal(running.url, [], {}, '/api/sessions');
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error.code).toBe('not_found');
    // The HTTP API is unaffected.
    expect((await fetch(`${running.url}/health`)).status).toBe(200);
  });

  it('refuses a malformed handshake with a JSON 400', async () => {
    const running = await start();
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const outgoing = request(`${running.url}/voice`, {
        headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13' },
      });
      outgoing.on('response', (incoming) => {
        let body = '';
        incoming.on('data', (chunk) => {
          body += chunk;
        });
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body }));
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error.code).toBe('invalid_upgrade');
  });

  it('pings clients, and drops one that stops answering (telling its session once)', async () => {
    const fake = createFakeVoiceSession();
    const plain = createServer((_request, response) => response.end());
    const voice = attachVoiceSocket(plain, { openVoiceSession: fake.open, keepAliveMs: 50 });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', () => resolve()));
    const url = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
    try {
      const answering = connect(url);
      let pings = 0;
      answering.socket.on('ping', () => pings++);
      await answering.opened;
      const silent = connect(url, [], {}, { autoPong: false });
      await silent.opened;
      await until(() => fake.connections.length === 2);
      await until(() => (fake.connections[1]?.closes ?? 0) === 1);
      expect(await silent.closed).toBe(1006);
      expect(pings).toBeGreaterThanOrEqual(2);
      expect(answering.socket.readyState).toBe(WebSocket.OPEN);
      expect(voice.connections).toBe(1);
      expect(fake.connections[0]?.closes).toBe(0);
    } finally {
      await voice.close({ graceMs: 100 });
      await new Promise((resolve) => plain.close(resolve));
    }
  });
  it('tells the client and closes with 1011 when the voice session does not start', async () => {
    const plain = createServer((_request, response) => response.end());
    const voice = attachVoiceSocket(plain, {
      openVoiceSession: () => {
        throw new Error('no speech engine');
      },
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', () => resolve()));
    try {
      const client = connect(`http://127.0.0.1:${(plain.address() as AddressInfo).port}`);
      await client.opened;
      expect(await client.closed).toBe(1011);
      expect(client.messages).toEqual([
        { type: 'error', code: 'voice_unavailable', message: 'the voice session did not start' },
      ]);
    } finally {
      await voice.close({ graceMs: 100 });
      await new Promise((resolve) => plain.close(resolve));
    }
  });
});
