import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../errors/configuration-error.js';
import { createLogger } from './create-logger.js';
import { readLogLevel } from './log-level.js';

function collector() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

describe('KLODY_LOG_LEVEL', () => {
  it('defaults to info and accepts every pino level and silent', () => {
    expect(readLogLevel({})).toBe('info');
    expect(readLogLevel({ KLODY_LOG_LEVEL: '' })).toBe('info');
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
      expect(readLogLevel({ KLODY_LOG_LEVEL: level })).toBe(level);
    expect(readLogLevel({ KLODY_LOG_LEVEL: 'WARN' })).toBe('warn');
  });

  it('refuses an unknown level, naming the variable', () => {
    expect(() => readLogLevel({ KLODY_LOG_LEVEL: 'verbose' })).toThrow(/KLODY_LOG_LEVEL="verbose"/);
    try {
      readLogLevel({ KLODY_LOG_LEVEL: 'loud' });
    } catch (error) {
      expect(ConfigurationError.isInstance(error) && error.exitCode).toBe(2);
    }
  });

  it('fatal logs less than info, not more', () => {
    const fatal = collector();
    const logger = createLogger({
      service: 'test',
      level: readLogLevel({ KLODY_LOG_LEVEL: 'fatal' }),
      destination: fatal.stream,
    });
    logger.info('hidden');
    logger.error('hidden too');
    logger.fatal('shown');
    expect(fatal.lines.map((line) => JSON.parse(line).message)).toEqual(['shown']);
    expect(JSON.parse(fatal.lines[0] as string)).toMatchObject({ level: 'fatal', service: 'test' });
  });
});
