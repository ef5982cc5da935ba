// The JSON-lines worker client against small Node programs that play the worker's part, so every
// branch of the protocol runs without a model: ready, answers, errors, a crash, a timeout, no program.
import { describe, expect, it } from 'vitest';
import { startJsonLinesWorker } from './json-lines-worker.js';

function worker(program: string, startTimeoutMs = 10_000) {
  return startJsonLinesWorker<{ loaded: boolean }, { text: string }, { echo: string }>({
    engine: 'test-engine',
    command: process.execPath,
    args: ['-e', program],
    model: '/models/test',
    installHint: 'install the test engine',
    startTimeoutMs,
  });
}

// Answers each request with its text upper-cased; "fail" gets an error answer, "crash" exits.
const echo = `
const readline = require('node:readline');
process.stdout.write(JSON.stringify({ event: 'ready', loaded: true }) + '\\n');
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line);
  if (request.text === 'crash') { process.stderr.write('boom: out of memory\\n'); process.exit(9); }
  if (request.text === 'slow') return;
  if (request.text === 'fail') {
    process.stdout.write(JSON.stringify({ id: request.id, error: { code: 'unknown_language', message: 'no such language' } }) + '\\n');
    return;
  }
  process.stdout.write('a stray print\\n');
  process.stdout.write(JSON.stringify({ id: request.id, result: { echo: request.text.toUpperCase() } }) + '\\n');
});
`;

describe('startJsonLinesWorker', () => {
  it('waits for ready, answers in turn, and maps error answers to VoiceErrors', async () => {
    const running = worker(echo);
    expect(await running.ready).toEqual({ loaded: true });
    expect(await running.request({ text: 'bonjour' }, 5_000)).toEqual({ echo: 'BONJOUR' });
    await expect(running.request({ text: 'fail' }, 5_000)).rejects.toMatchObject({
      code: 'unknown_language',
      message: 'test-engine: no such language',
    });
    expect(await running.request({ text: 'encore' }, 5_000)).toEqual({ echo: 'ENCORE' });
    expect(running.exited).toBe(false);
    await running.close();
    expect(running.exited).toBe(true);
  });

  it('reports a crash with the last lines of stderr, and is then exited', async () => {
    const running = worker(echo);
    await running.ready;
    await expect(running.request({ text: 'crash' }, 5_000)).rejects.toMatchObject({
      code: 'engine_failed',
      message: 'test-engine: the worker exited with 9: boom: out of memory',
    });
    expect(running.exited).toBe(true);
  });

  it('stops a worker that does not answer in time', async () => {
    const running = worker(echo);
    await running.ready;
    await expect(running.request({ text: 'slow' }, 300)).rejects.toMatchObject({
      code: 'engine_failed',
      message: 'test-engine: no answer within 300 ms; worker stopped',
    });
    expect(running.exited).toBe(true);
  });

  it('passes on a fatal start with the install hint, and a model that never loads', async () => {
    const fatal = worker(
      `process.stdout.write(JSON.stringify({ event: 'fatal', error: { code: 'engine_unavailable', message: 'cannot import it' } }) + '\\n'); process.exit(3);`,
    );
    await expect(fatal.ready).rejects.toMatchObject({
      code: 'engine_unavailable',
      message: 'test-engine: cannot import it (install the test engine)',
    });
    const stuck = worker('setInterval(() => {}, 1000);', 300);
    await expect(stuck.ready).rejects.toMatchObject({
      code: 'engine_unavailable',
      message: 'test-engine: the model in /models/test did not load within 300 ms',
    });
  });

  it('says the program is missing, with the install hint', async () => {
    const missing = startJsonLinesWorker({
      engine: 'test-engine',
      command: '/nowhere/python',
      args: [],
      model: '/models/test',
      installHint: 'install the test engine',
      startTimeoutMs: 5_000,
    });
    await expect(missing.ready).rejects.toMatchObject({
      code: 'engine_unavailable',
      message: 'test-engine: /nowhere/python not found (install the test engine)',
    });
  });
});
