// compose against a real local server honouring the compose daemon's contract (fake-compose-daemon).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@klody/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createComposeClient } from '../organs/compose-client.js';
import { type FakeComposeDaemon, startFakeComposeDaemon } from '../organs/testing/fake-compose-daemon.js';
import { createComposeTool } from './compose-tool.js';
import { toolCallContext } from './testing/tool-call-context.js';
import { toolError } from './testing/tool-error.js';

const folder = mkdtempSync(join(tmpdir(), 'klody-agent-compose-'));
let daemon: FakeComposeDaemon;
const context = toolCallContext();

beforeAll(async () => {
  daemon = await startFakeComposeDaemon({ outputFolder: folder });
});

afterAll(async () => {
  await daemon.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('compose', () => {
  it('is a write tool whose output comes from a program the agent does not own', () => {
    const tool = createComposeTool(createComposeClient({ url: daemon.url }));
    expect(tool).toMatchObject({ name: 'compose', effect: 'write', untrustedOutput: true });
  });

  it('sends the contract’s request and returns where the piece is', async () => {
    daemon.behave({ kind: 'path' });
    const tool = createComposeTool(createComposeClient({ url: daemon.url }));
    const output = await tool.execute(
      tool.inputSchema.parse({ prompt: 'a calm piano piece for a rainy evening', seconds: 20 }),
      context,
    );
    expect(daemon.requests.at(-1)).toEqual({
      path: '/compose',
      body: { prompt: 'a calm piano piece for a rainy evening', duration_seconds: 20 },
    });
    const path = join(folder, 'piece-1.wav');
    expect(output.text).toBe(`Composed piece piece-1 (20 s): ${path}`);
    expect(output.data).toEqual({ id: 'piece-1', path, url: null, durationSeconds: 20 });
    expect(existsSync(path)).toBe(true);
  });

  it('takes a URL in place of a path, and 30 seconds by default', async () => {
    daemon.behave({ kind: 'url' });
    const output = await createComposeTool(createComposeClient({ url: daemon.url })).execute(
      { prompt: 'drums' },
      context,
    );
    expect(daemon.requests.at(-1)?.body).toEqual({ prompt: 'drums', duration_seconds: 30 });
    expect(output.text).toMatch(/^Composed piece piece-\d+: http:\/\/127\.0\.0\.1\/pieces\/piece-\d+\.ogg$/);
  });

  it("passes on the daemon's error, and refuses an answer that says nowhere where the piece is", async () => {
    const tool = createComposeTool(createComposeClient({ url: daemon.url }));
    daemon.behave({ kind: 'error', status: 503, code: 'busy', message: 'already composing' });
    const busy = await toolError(tool.execute({ prompt: 'jazz' }, context));
    expect(busy.message).toBe(`the compose daemon at ${daemon.url} failed (503): already composing`);
    expect(busy.code).toBe('busy');
    daemon.behave({ kind: 'no-location' });
    const nowhere = await toolError(tool.execute({ prompt: 'jazz' }, context));
    expect(nowhere.code).toBe('organ_bad_answer');
  });

  it('gives up on a daemon that never answers, within its time limit', async () => {
    daemon.behave({ kind: 'silent' });
    const tool = createComposeTool(createComposeClient({ url: daemon.url, timeoutMs: 300 }));
    const started = performance.now();
    const error = await toolError(tool.execute({ prompt: 'a very long symphony' }, context));
    expect(error.message).toBe(`the compose daemon did not answer within 0.3 s at ${daemon.url}`);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('says the daemon is not running at a closed port', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const error = await toolError(
      createComposeTool(createComposeClient({ url: closed })).execute({ prompt: 'jazz' }, context),
    );
    expect(error.message).toBe(`the compose daemon is not running at ${closed} (connection refused)`);
  });

  it('refuses lengths outside 5–300 seconds at the schema', () => {
    const tool = createComposeTool(createComposeClient({ url: daemon.url }));
    expect(tool.inputSchema.safeParse({ prompt: 'x', seconds: 4 }).success).toBe(false);
    expect(tool.inputSchema.safeParse({ prompt: 'x', seconds: 301 }).success).toBe(false);
  });
});
