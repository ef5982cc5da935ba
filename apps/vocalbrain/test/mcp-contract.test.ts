// VocalBrain's MCP tools as a client sees them, over BOTH transports, with the SDK's own Client: the
// documented stdio command (pnpm --silent … vocalbrain mcp, a real process) and /mcp on a real
// server. Real espeak-ng speaks, real pocketsphinx hears, a real SQLite library is searched.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryRoot } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Track } from '../src/library/index.js';
import { startTestServer, type TestServer } from './speech-test-server.js';
import {
  documentedStdioCommand,
  mcpTestEnvironment,
  seedLibrary,
  textOf,
  wavOf,
} from './support/mcp-support.js';

const sentence = 'Please turn on the kitchen light before dinner.';
const phrases = [sentence, 'turn off the kitchen light', 'open the garage door'];

let home: string;
let tracks: { piano: Track; brass: Track };
let server: TestServer | null = null;

interface Transport {
  name: string;
  connect(): Promise<Client>;
}

const transports: Transport[] = [
  {
    name: 'stdio (the documented pnpm --silent command)',
    async connect() {
      const { command, args } = documentedStdioCommand();
      const client = new Client({ name: 'vocalbrain-contract', version: '1.0.0' });
      await client.connect(
        new StdioClientTransport({
          command,
          args,
          cwd: tmpdir(),
          env: { ...(process.env as Record<string, string>), ...mcpTestEnvironment(home) },
          stderr: 'ignore',
        }),
      );
      return client;
    },
  },
  {
    name: 'streamable HTTP (/mcp on the server)',
    async connect() {
      server ??= await startTestServer({ home, env: mcpTestEnvironment(home) });
      const client = new Client({ name: 'vocalbrain-contract', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
      return client;
    },
  },
];

describeRequiring(
  { tools: ['espeak-ng', 'pocketsphinx_continuous', 'pnpm'] },
  'the MCP contract of VocalBrain',
  () => {
    beforeAll(async () => {
      home = mkdtempSync(join(tmpdir(), 'vocalbrain-mcp-'));
      tracks = await seedLibrary(home);
    });
    afterAll(async () => {
      await server?.close();
      rmSync(home, { recursive: true, force: true });
    });

    it('reads the stdio command from the README as documented', () => {
      expect(documentedStdioCommand().line).toBe('pnpm --silent --dir /path/to/klody vocalbrain mcp');
      expect(documentedStdioCommand().args).toContain(repositoryRoot());
    });

    describe.each(transports)('over $name', (transport) => {
      let client: Client;
      beforeAll(async () => {
        client = await transport.connect();
      }, 120_000);
      afterAll(async () => {
        await client?.close();
      });

      it('is the vocalbrain server and lists its 3 tools, each with input properties', async () => {
        expect(client.getServerVersion()?.name).toBe('vocalbrain');
        const { tools } = await client.listTools();
        expect(tools.map((tool) => tool.name).sort()).toEqual(['find_track', 'speak', 'transcribe']);
        for (const tool of tools) {
          expect(Object.keys(tool.inputSchema.properties ?? {}).length).toBeGreaterThan(0);
          expect(tool.description?.length ?? 0).toBeGreaterThan(40);
        }
        const transcribe = tools.find((tool) => tool.name === 'transcribe');
        expect(transcribe?.inputSchema.required).toEqual(['audio']);
        // The limit a client must respect is stated where it reads the tool.
        expect(transcribe?.description).toMatch(/at most 47 MiB of audio .* at most 64 MiB/);
      });

      it('speaks with espeak-ng: a WAV of more than a second, and a line naming engine, voice and duration', async () => {
        const result = await client.callTool({
          name: 'speak',
          arguments: { text: sentence, voice: 'espeak-ng/en-us' },
        });
        expect(result.isError).toBeFalsy();
        const { seconds } = wavOf(result);
        expect(seconds).toBeGreaterThan(1);
        expect(textOf(result)).toMatch(
          /^\d+\.\d\d s of speech \(wav, 22050 Hz\) by espeak-ng, voice en-us\.$/,
        );
        expect(result.structuredContent).toMatchObject({
          engine: 'espeak-ng',
          voice: 'en-us',
          format: 'wav',
        });
        expect((result.structuredContent as { duration: number }).duration).toBeCloseTo(seconds, 2);
      });

      it('transcribes what it spoke, with pocketsphinx over the expected phrases', async () => {
        const spoken = await client.callTool({
          name: 'speak',
          arguments: { text: sentence, voice: 'espeak-ng/en-us' },
        });
        const audio = Buffer.from(wavOf(spoken).bytes).toString('base64');
        const result = await client.callTool({
          name: 'transcribe',
          arguments: { audio, format: 'audio/wav', model: 'pocketsphinx', phrases },
        });
        expect(result.isError).toBeFalsy();
        const heard = result.structuredContent as {
          text: string;
          language: string | null;
          engine: string;
          duration: number;
          segments: { start: number; end: number; text: string }[];
        };
        expect(heard.text).toBe('please turn on the kitchen light before dinner');
        expect(heard.engine).toBe('pocketsphinx');
        expect(heard.language).toBe('en');
        expect(heard.duration).toBeGreaterThan(1);
        expect(heard.segments.length).toBeGreaterThan(0);
        expect(textOf(result)).toContain('please turn on the kitchen light before dinner');
      });

      it('finds the sad piano track by its description, with id, title and score', async () => {
        const result = await client.callTool({
          name: 'find_track',
          arguments: { description: 'sad piano song', k: 3 },
        });
        expect(result.isError).toBeFalsy();
        const answer = result.structuredContent as {
          tracks: { id: number; title: string; score: number; rank: number }[];
          mode: string;
          note: string | null;
        };
        expect(answer.tracks[0]).toMatchObject({ id: tracks.piano.id, title: 'rainy-piano', rank: 1 });
        expect(answer.tracks[0]?.score).toBeGreaterThan(0);
        expect(answer.tracks.map((track) => track.id)).not.toContain(tracks.brass.id);
        // No gateway here: the search was by words, and the answer says so.
        expect(answer.mode).toBe('lexical');
        expect(textOf(result)).toMatch(/^1 track for "sad piano song", found by words/);
        expect(textOf(result)).toContain(`1. track ${tracks.piano.id} "rainy-piano" (score `);
      });

      it('answers bad arguments with isError results that name the field', async () => {
        const cases: [string, Record<string, unknown>, RegExp][] = [
          ['speak', { text: 42 }, /expected string, received number at text/],
          ['speak', { text: 'x'.repeat(1_001) }, /text is longer than 1000 characters/],
          ['speak', { text: 'Hello.', speed: 9 }, /at speed/],
          ['transcribe', { audio: 'this is not base64!' }, /audio must be the file's bytes in base64/],
          ['find_track', { description: 'piano', k: 0 }, /at k/],
          ['find_track', {}, /at description/],
        ];
        for (const [name, args, message] of cases) {
          const result = await client.callTool({ name, arguments: args });
          expect(result.isError, `${name} ${JSON.stringify(args)}`).toBe(true);
          expect(textOf(result)).toMatch(message);
        }
      });

      it('says what is wrong with arguments the tool itself refuses, without a stack', async () => {
        const voice = await client.callTool({
          name: 'speak',
          arguments: { text: 'Hello.', voice: 'espeak-ng/en-uss' },
        });
        expect(voice.isError).toBe(true);
        expect(textOf(voice)).toMatch(
          /^speak failed: no voice "en-uss" for espeak-ng here\. did you mean "en-us"\?/,
        );
        const notAudio = await client.callTool({
          name: 'transcribe',
          arguments: { audio: Buffer.from('RIFF, but not a wave file at all').toString('base64') },
        });
        expect(notAudio.isError).toBe(true);
        expect(textOf(notAudio)).toMatch(/^transcribe failed: .*audio\.wav/);
        for (const text of [textOf(voice), textOf(notAudio)])
          expect(text).not.toMatch(/\n\s+at |node_modules/);
      });
    });
  },
);
