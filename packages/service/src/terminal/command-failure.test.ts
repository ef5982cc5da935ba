import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../errors/configuration-error.js';
import { ServiceError } from '../errors/service-error.js';
import { commandFailure, reportCommandFailure, UsageError, usageError } from './command-failure.js';

describe('commandFailure', () => {
  it.each([
    [new UsageError('invalid_usage', 'no such book'), 'invalid_usage', 2, 'no such book'],
    [
      new ConfigurationError('KLODY_PORT: must be a port'),
      'invalid_configuration',
      2,
      'invalid configuration: KLODY_PORT: must be a port',
    ],
    [new ServiceError('not_found', 404, 'no track 3'), 'not_found', 2, 'no track 3'],
    [new ServiceError('timeout', 408, 'too slow'), 'timeout', 1, 'too slow'],
    [new ServiceError('aborted', 499, 'stopped'), 'aborted', 1, 'stopped'],
    [
      new ServiceError('gateway_unavailable', 502, 'the gateway is down'),
      'gateway_unavailable',
      1,
      'the gateway is down',
    ],
    [new Error('disk full'), 'internal_error', 1, 'disk full'],
    ['a string', 'internal_error', 1, 'a string'],
  ])('%s → %s, exit %i', (error, code, exitCode, message) => {
    expect(commandFailure(error)).toEqual({ code, exitCode, message });
  });

  it("names an app's own errors first", () => {
    const classify = (error: unknown) =>
      error instanceof RangeError ? { code: 'empty_text', exitCode: 2 as const } : null;
    expect(commandFailure(new RangeError('nothing to say'), classify)).toEqual({
      code: 'empty_text',
      exitCode: 2,
      message: 'nothing to say',
    });
    expect(commandFailure(new Error('other'), classify).code).toBe('internal_error');
  });

  it('usageError throws a UsageError', () => {
    expect(() => usageError('bad flag')).toThrow(UsageError);
  });
});

describe('reportCommandFailure', () => {
  it('writes one JSON line with --json and the message on stderr after the service name', () => {
    const out: string[] = [];
    const err: string[] = [];
    const exitCode = reportCommandFailure({
      service: 'agent',
      error: new UsageError('invalid_usage', 'unknown session'),
      json: true,
      stdout: { write: (text: string) => out.push(text) },
      stderr: { write: (text: string) => err.push(text) },
    });
    expect(exitCode).toBe(2);
    expect(out).toEqual([
      `${JSON.stringify({ error: { code: 'invalid_usage', message: 'unknown session' } })}\n`,
    ]);
    expect(err).toEqual(['agent: unknown session\n']);
  });

  it('writes nothing on stdout without --json', () => {
    const out: string[] = [];
    reportCommandFailure({
      service: 'vocalbrain',
      error: new Error('boom'),
      json: false,
      stdout: { write: (text: string) => out.push(text) },
      stderr: { write: () => {} },
    });
    expect(out).toEqual([]);
  });
});
