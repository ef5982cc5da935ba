import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@klody/service';
import { describe, expect, it } from 'vitest';
import { readConfig } from './config.js';

describe('readConfig', () => {
  it('has the defaults CONTRACTS.md fixes', () => {
    const config = readConfig({});
    expect(config.home).toBe(join(homedir(), '.klody', 'agent'));
    expect(config.databasePath).toBe(join(homedir(), '.klody', 'agent', 'agent.db'));
    expect([config.host, config.port, config.apiKey]).toEqual(['127.0.0.1', 8000, null]);
    expect(config.gatewayURL).toBe('http://127.0.0.1:8090');
    expect([config.chatModel, config.embedModel, config.embedder]).toEqual(['brain', 'embed', null]);
    expect(config.libraryBrainURL).toBe('http://127.0.0.1:8765');
    expect(config.vocalBrainURL).toBe('http://127.0.0.1:8600');
    expect(config.composeURL).toBeNull();
    expect([config.maxSteps, config.approvalTtlMs, config.toolTimeoutMs]).toEqual([12, 600_000, 30_000]);
    expect(config.logLevel).toBe('info');
  });

  it('puts the database under KLODY_HOME', () => {
    const config = readConfig({ KLODY_HOME: '/tmp/klody-elsewhere' });
    expect(config.databasePath).toBe('/tmp/klody-elsewhere/agent/agent.db');
  });

  it('derives the organs from their ports, takes their URLs, and turns them off with none', () => {
    expect(readConfig({ KLODY_LIBRARY_BRAIN_PORT: '9001', KLODY_VOCALBRAIN_PORT: '9002' })).toMatchObject({
      libraryBrainURL: 'http://127.0.0.1:9001',
      vocalBrainURL: 'http://127.0.0.1:9002',
    });
    expect(
      readConfig({ KLODY_LIBRARY_BRAIN_URL: 'http://localhost:7000/', KLODY_VOCALBRAIN_URL: 'none' }),
    ).toMatchObject({ libraryBrainURL: 'http://localhost:7000', vocalBrainURL: null });
    expect(readConfig({ KLODY_AGENT_COMPOSE_URL: 'http://127.0.0.1:9100' }).composeURL).toBe(
      'http://127.0.0.1:9100',
    );
    expect(readConfig({ KLODY_GATEWAY_URL: 'NONE' }).gatewayURL).toBeNull();
    expect(readConfig({ KLODY_GATEWAY_URL: 'http://127.0.0.1:8090/v1/' }).gatewayURL).toBe(
      'http://127.0.0.1:8090',
    );
  });

  it('reads the step budget and the time limits', () => {
    const config = readConfig({
      KLODY_AGENT_MAX_STEPS: '3',
      KLODY_AGENT_APPROVAL_TTL: '1.5',
      KLODY_AGENT_TOOL_TIMEOUT: '2',
      KLODY_AGENT_PORT: '8123',
      KLODY_AGENT_TOOL_CHOICE: 'required-first',
    });
    expect(config.toolChoice).toBe('required-first');
    expect(readConfig({}).toolChoice).toBe('auto');
    expect(readConfig({}).tools).toBeNull();
    expect(readConfig({ KLODY_AGENT_TOOLS: 'search_books, current_time' }).tools).toEqual([
      'search_books',
      'current_time',
    ]);
    expect([config.maxSteps, config.approvalTtlMs, config.toolTimeoutMs, config.port]).toEqual([
      3, 1_500, 2_000, 8123,
    ]);
  });

  it('reads the model call time limits', () => {
    expect(readConfig({}).modelTimeLimits).toEqual({ firstPartMs: 180_000, idleMs: 60_000 });
    expect(
      readConfig({ KLODY_AGENT_MODEL_TIMEOUT: '2.5', KLODY_AGENT_MODEL_IDLE_TIMEOUT: '0.5' }).modelTimeLimits,
    ).toEqual({ firstPartMs: 2_500, idleMs: 500 });
    expect(() => readConfig({ KLODY_AGENT_MODEL_TIMEOUT: '0' })).toThrow(
      /KLODY_AGENT_MODEL_TIMEOUT: must be more than 0 seconds/,
    );
  });

  it.each([
    [{ KLODY_AGENT_PORT: '70000' }, /KLODY_AGENT_PORT: must be a port/],
    [{ KLODY_AGENT_PORT: 'eight' }, /KLODY_AGENT_PORT/],
    [{ KLODY_AGENT_MAX_STEPS: '0' }, /KLODY_AGENT_MAX_STEPS: must be at least 1 step/],
    [{ KLODY_AGENT_MAX_STEPS: '2.5' }, /KLODY_AGENT_MAX_STEPS: must be a whole number/],
    [{ KLODY_AGENT_TOOL_CHOICE: 'always' }, /KLODY_AGENT_TOOL_CHOICE/],
    [{ KLODY_AGENT_TOOLS: 'search books' }, /KLODY_AGENT_TOOLS: must be tool names/],
    [{ KLODY_AGENT_APPROVAL_TTL: '0' }, /KLODY_AGENT_APPROVAL_TTL: must be more than 0 seconds/],
    [{ KLODY_GATEWAY_URL: 'gateway' }, /KLODY_GATEWAY_URL: "gateway" is not a URL/],
    [{ KLODY_LIBRARY_BRAIN_URL: 'ftp://127.0.0.1' }, /KLODY_LIBRARY_BRAIN_URL: .* must be an http\(s\) URL/],
    [{ KLODY_EMBEDDER: 'e5' }, /KLODY_EMBEDDER: must be model2vec/],
    [{ KLODY_LOG_LEVEL: 'loud' }, /KLODY_LOG_LEVEL/],
  ])('refuses %o with a message naming the variable', (env, message) => {
    expect(() => readConfig(env)).toThrow(ConfigurationError);
    expect(() => readConfig(env)).toThrow(message);
  });

  it('binds beyond loopback only with an API key', () => {
    expect(() => readConfig({ KLODY_AGENT_HOST: '0.0.0.0' })).toThrow(
      /KLODY_AGENT_HOST: "0.0.0.0" is not a loopback address; binding it needs KLODY_AGENT_API_KEY/,
    );
    expect(readConfig({ KLODY_AGENT_HOST: '0.0.0.0', KLODY_AGENT_API_KEY: 'secret' })).toMatchObject({
      host: '0.0.0.0',
      apiKey: 'secret',
    });
    expect(readConfig({ KLODY_AGENT_HOST: '::1' }).host).toBe('::1');
  });
});
