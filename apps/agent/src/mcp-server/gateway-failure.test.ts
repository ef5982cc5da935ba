// How each kind of failed model call reads: pure logic on errors shaped like the OpenAI client's and the
// AI SDK's (the end-to-end tests cause the common ones for real: connection refused, a gateway that hangs).
import { describe, expect, it } from 'vitest';
import { ModelTimeoutError } from '../loop/model-time-limits.js';
import { gatewayFailure } from './gateway-failure.js';

const url = 'http://127.0.0.1:8090';

/** What undici gives for a refused connection: a TypeError whose cause carries the system code. */
function refused(): Error {
  return new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8090'), { code: 'ECONNREFUSED' }),
  });
}

describe('gatewayFailure', () => {
  it('names the gateway and its URL for a refused connection, however deep the code is', () => {
    const wrapped = new Error('Connection error.', { cause: refused() });
    expect(gatewayFailure(url, wrapped)).toMatchObject({
      message: `the gateway is not running at ${url} (connection refused)`,
      code: 'gateway_not_running',
    });
  });

  it('says what the gateway answered, by status (OpenAI `status`, AI SDK `statusCode`)', () => {
    const unauthorized = Object.assign(new Error('401 missing key'), { status: 401 });
    expect(gatewayFailure(url, unauthorized).message).toBe(
      `the gateway at ${url} refused the request (401): check KLODY_GATEWAY_API_KEY`,
    );
    // A status wins over a `code` from the error body, which is no network code.
    const unknownModel = Object.assign(new Error('404 unknown model "brain"'), {
      statusCode: 404,
      code: 'model_not_found',
    });
    expect(gatewayFailure(url, unknownModel)).toMatchObject({
      message: `the gateway at ${url} answered 404: 404 unknown model "brain"`,
      code: 'gateway_failed',
    });
  });

  it('tells a time limit, a cancellation, a reset connection and anything else apart', () => {
    expect(gatewayFailure(url, new ModelTimeoutError('the model sent nothing within 180 s')).message).toBe(
      `the gateway at ${url} timed out: the model sent nothing within 180 s`,
    );
    expect(gatewayFailure(url, new Error('aborted'), true).code).toBe('cancelled');
    const reset = new TypeError('terminated', {
      cause: Object.assign(new Error('other side closed'), { code: 'ECONNRESET' }),
    });
    expect(gatewayFailure(url, reset).message).toBe(
      `the gateway at ${url} closed the connection (ECONNRESET)`,
    );
    expect(gatewayFailure(url, new Error(`odd\n${'x'.repeat(1_000)}`)).message.length).toBeLessThan(400);
  });
});
