// The error event a load-progress stream ends with when the worker answers an error after the 200.
import { describe, expect, it } from 'vitest';
import { workerErrorAnswer } from './load-progress.js';

describe('workerErrorAnswer', () => {
  it("keeps the status and the worker's own JSON error", () => {
    const error = workerErrorAnswer(
      400,
      Buffer.from(JSON.stringify({ error: { code: 'invalid_request', message: 'messages is required' } })),
    );
    expect(error.code).toBe('worker_error');
    expect(error.status).toBe(502);
    expect(error.message).toBe('the worker answered 400: invalid_request: messages is required');
    expect(workerErrorAnswer(500, Buffer.from('{"error":"boom"}')).message).toBe(
      'the worker answered 500: boom',
    );
  });

  it('cuts a text answer, and says so when there is none', () => {
    const long = workerErrorAnswer(503, Buffer.from(`<html>${'x'.repeat(1000)}</html>`));
    expect(long.message.length).toBeLessThan(340);
    expect(long.message.startsWith('the worker answered 503: <html>xxx')).toBe(true);
    expect(workerErrorAnswer(502, Buffer.alloc(0)).message).toBe('the worker answered 502');
  });
});
