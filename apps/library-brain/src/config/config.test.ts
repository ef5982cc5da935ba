import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@klody/service';
import { describe, expect, it } from 'vitest';
import { readConfig } from './config.js';

describe('readConfig', () => {
  it('has the defaults CONTRACTS.md fixes', () => {
    const config = readConfig({});
    expect(config.home).toBe(join(homedir(), '.klody', 'library-brain'));
    expect(config.databasePath).toBe(join(homedir(), '.klody', 'library-brain', 'library.db'));
    expect(config.gatewayURL).toBe('http://127.0.0.1:8090');
    expect([config.chatModel, config.embedModel, config.rerankModel]).toEqual(['brain', 'embed', 'rerank']);
    expect(config.libraryRoots).toEqual([join(homedir(), '.klody', 'library-brain', 'books')]);
    expect([config.host, config.port]).toEqual(['127.0.0.1', 8765]);
    expect([
      config.gatewayTimeoutMs,
      config.gatewayIdleTimeoutMs,
      config.gatewayCheckTimeoutMs,
      config.gatewayRetryMs,
    ]).toEqual([60_000, 30_000, 5_000, 15_000]);
  });

  it('reads the gateway time limits in seconds, fractions allowed', () => {
    const config = readConfig({
      KLODY_LIBRARY_BRAIN_GATEWAY_TIMEOUT: '1.5',
      KLODY_LIBRARY_BRAIN_GATEWAY_IDLE_TIMEOUT: '0.5',
      KLODY_LIBRARY_BRAIN_GATEWAY_CHECK_TIMEOUT: '2',
      KLODY_LIBRARY_BRAIN_GATEWAY_RETRY: '0',
    });
    expect([
      config.gatewayTimeoutMs,
      config.gatewayIdleTimeoutMs,
      config.gatewayCheckTimeoutMs,
      config.gatewayRetryMs,
    ]).toEqual([1_500, 500, 2_000, 0]);
    expect(() => readConfig({ KLODY_LIBRARY_BRAIN_GATEWAY_TIMEOUT: '0' })).toThrow(
      /KLODY_LIBRARY_BRAIN_GATEWAY_TIMEOUT/,
    );
    expect(() => readConfig({ KLODY_LIBRARY_BRAIN_GATEWAY_IDLE_TIMEOUT: 'soon' })).toThrow(
      /KLODY_LIBRARY_BRAIN_GATEWAY_IDLE_TIMEOUT/,
    );
  });

  it('reads the answer and prompt token budgets, within bounds', () => {
    expect([readConfig({}).answerTokens, readConfig({}).promptTokens]).toEqual([512, 3_000]);
    const small = readConfig({
      KLODY_LIBRARY_BRAIN_ANSWER_TOKENS: '96',
      KLODY_LIBRARY_BRAIN_PROMPT_TOKENS: '900',
    });
    expect([small.answerTokens, small.promptTokens]).toEqual([96, 900]);
    expect(() => readConfig({ KLODY_LIBRARY_BRAIN_ANSWER_TOKENS: '1.5' })).toThrow(
      /KLODY_LIBRARY_BRAIN_ANSWER_TOKENS/,
    );
    expect(() => readConfig({ KLODY_LIBRARY_BRAIN_PROMPT_TOKENS: '10' })).toThrow(
      /KLODY_LIBRARY_BRAIN_PROMPT_TOKENS: must be at least 256/,
    );
  });

  it('turns the gateway off with KLODY_GATEWAY_URL=none and strips a trailing /v1', () => {
    expect(readConfig({ KLODY_GATEWAY_URL: 'none' }).gatewayURL).toBeNull();
    expect(readConfig({ KLODY_GATEWAY_URL: 'http://127.0.0.1:9000/v1/' }).gatewayURL).toBe(
      'http://127.0.0.1:9000',
    );
  });

  it('reads the watched folder and the upload limit (MiB), and keeps uploads in the app folder', () => {
    const defaults = readConfig({ KLODY_HOME: '/data/klody' });
    expect([defaults.watchFolder, defaults.uploadLimitBytes, defaults.uploadFolder]).toEqual([
      null,
      200 * 1_048_576,
      '/data/klody/library-brain/uploads',
    ]);
    const set = readConfig({ KLODY_LIBRARY_BRAIN_WATCH: '/books', KLODY_LIBRARY_BRAIN_UPLOAD_LIMIT: '0.5' });
    expect([set.watchFolder, set.uploadLimitBytes]).toEqual(['/books', 524_288]);
    expect(() => readConfig({ KLODY_LIBRARY_BRAIN_UPLOAD_LIMIT: '0' })).toThrow(
      /KLODY_LIBRARY_BRAIN_UPLOAD_LIMIT/,
    );
    expect(() => readConfig({ KLODY_LIBRARY_BRAIN_UPLOAD_LIMIT: 'lots' })).toThrow(
      /KLODY_LIBRARY_BRAIN_UPLOAD_LIMIT/,
    );
  });

  it('splits KLODY_LIBRARY_ROOTS on the path-list separator', () => {
    expect(readConfig({ KLODY_LIBRARY_ROOTS: '/books/a:/books/b' }).libraryRoots).toEqual([
      '/books/a',
      '/books/b',
    ]);
  });

  it('names the variable that is wrong', () => {
    expect(() => readConfig({ KLODY_LIBRARY_BRAIN_PORT: 'eighty' })).toThrow(/KLODY_LIBRARY_BRAIN_PORT/);
    expect(() => readConfig({ KLODY_GATEWAY_URL: 'not a url' })).toThrow(ConfigurationError);
    expect(() => readConfig({ KLODY_EMBEDDER: 'word2vec:/x' })).toThrow(/KLODY_EMBEDDER/);
  });

  it('refuses a non-loopback bind', () => {
    expect(() => readConfig({ KLODY_LIBRARY_BRAIN_HOST: '0.0.0.0' })).toThrow(/not a loopback address/);
  });

  it("reads KLODY_LOG_LEVEL by @klody/service's rule: a level in any case, or an error naming it", () => {
    expect(readConfig({}).logLevel).toBe('info');
    expect(readConfig({ KLODY_LOG_LEVEL: 'WARN' }).logLevel).toBe('warn');
    expect(() => readConfig({ KLODY_LOG_LEVEL: 'loud' })).toThrow(ConfigurationError);
    expect(() => readConfig({ KLODY_LOG_LEVEL: 'loud' })).toThrow(
      /KLODY_LOG_LEVEL="loud" is not a log level/,
    );
  });
});
