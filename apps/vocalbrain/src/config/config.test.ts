import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@klody/service';
import { describe, expect, it } from 'vitest';
import { readConfig } from './config.js';

describe('readConfig', () => {
  it('has the defaults CONTRACTS.md fixes', () => {
    const config = readConfig({});
    expect(config.home).toBe(join(homedir(), '.klody', 'vocalbrain'));
    expect(config.databasePath).toBe(join(homedir(), '.klody', 'vocalbrain', 'vocalbrain.db'));
    expect(config.audioDirectory).toBe(join(homedir(), '.klody', 'vocalbrain', 'audio'));
    expect([config.host, config.port, config.apiKey]).toEqual(['127.0.0.1', 8600, null]);
    expect(config.gatewayURL).toBe('http://127.0.0.1:8090');
    expect([config.ttsModel, config.sttModel]).toEqual(['tts', 'stt']);
    expect([config.jsonBodyLimitBytes, config.audioBodyLimitBytes]).toEqual([
      8 * 1024 * 1024,
      64 * 1024 * 1024,
    ]);
    expect(config.calibrate).toBe(true);
  });

  it('reads KLODY_HOME, the port, the gateway (none, or a URL with /v1 trimmed) and the switches', () => {
    const config = readConfig({
      KLODY_HOME: '/data/klody',
      KLODY_VOCALBRAIN_PORT: '9600',
      KLODY_GATEWAY_URL: 'http://127.0.0.1:9000/v1/',
      KLODY_VOCALBRAIN_CALIBRATE: '0',
      KLODY_VOCALBRAIN_FFMPEG: '/opt/ffmpeg',
    });
    expect(config.databasePath).toBe('/data/klody/vocalbrain/vocalbrain.db');
    expect(config.port).toBe(9600);
    expect(config.gatewayURL).toBe('http://127.0.0.1:9000');
    expect(config.calibrate).toBe(false);
    expect(config.ffmpegExecutable).toBe('/opt/ffmpeg');
    expect(readConfig({ KLODY_GATEWAY_URL: 'none' }).gatewayURL).toBeNull();
  });

  it('names the variable that is wrong', () => {
    expect(() => readConfig({ KLODY_VOCALBRAIN_PORT: 'eighty' })).toThrow(/KLODY_VOCALBRAIN_PORT/);
    expect(() => readConfig({ KLODY_GATEWAY_URL: 'not a url' })).toThrow(ConfigurationError);
    expect(() => readConfig({ KLODY_VOCALBRAIN_CALIBRATE: 'maybe' })).toThrow(/KLODY_VOCALBRAIN_CALIBRATE/);
    expect(() => readConfig({ KLODY_VOCALBRAIN_GATEWAY_TIMEOUT: '0' })).toThrow(
      /KLODY_VOCALBRAIN_GATEWAY_TIMEOUT: must be more than 0 seconds/,
    );
    expect(readConfig({}).gatewayTimeoutMs).toBe(30_000);
    expect(readConfig({ KLODY_VOCALBRAIN_GATEWAY_TIMEOUT: '1.5' }).gatewayTimeoutMs).toBe(1_500);
  });

  it('binds off loopback only with an API key', () => {
    expect(() => readConfig({ KLODY_VOCALBRAIN_HOST: '0.0.0.0' })).toThrow(/needs KLODY_VOCALBRAIN_API_KEY/);
    const config = readConfig({ KLODY_VOCALBRAIN_HOST: '0.0.0.0', KLODY_VOCALBRAIN_API_KEY: 'secret' });
    expect([config.host, config.apiKey]).toEqual(['0.0.0.0', 'secret']);
  });
});
