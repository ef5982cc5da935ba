import { describe, expect, it } from 'vitest';
import { checkBearer, checkHost, checkOrigin, hostName, isLoopbackAddress } from './request-guard.js';

const open = { allowedHosts: [], allowedOrigins: [], apiKey: null };

describe('request guard', () => {
  it('reads host names with ports and IPv6 brackets', () => {
    expect(hostName('LOCALHOST:8090')).toBe('localhost');
    expect(hostName('[::1]:8090')).toBe('[::1]');
    expect(hostName('127.0.0.1')).toBe('127.0.0.1');
  });

  it('accepts loopback hosts and listed ones only', () => {
    for (const host of ['localhost:8090', '127.0.0.1:1', '[::1]:8090', 'app.localhost', '127.1.2.3']) {
      expect(checkHost(host, open).ok).toBe(true);
    }
    for (const host of ['evil.example', '192.168.1.10:8090', 'localhost.evil.example', undefined]) {
      expect(checkHost(host, open).ok).toBe(false);
    }
    expect(checkHost('studio.lan:8090', { ...open, allowedHosts: ['studio.lan'] }).ok).toBe(true);
  });

  it('accepts no Origin, loopback origins and listed ones; refuses the rest and "null"', () => {
    expect(checkOrigin(undefined, open).ok).toBe(true);
    expect(checkOrigin('http://localhost:5173', open).ok).toBe(true);
    expect(checkOrigin('http://127.0.0.1:8765', open).ok).toBe(true);
    expect(checkOrigin('https://evil.example', open)).toMatchObject({ ok: false, code: 'forbidden_origin' });
    expect(checkOrigin('null', open).ok).toBe(false);
    expect(
      checkOrigin('https://studio.example', { ...open, allowedOrigins: ['https://studio.example'] }).ok,
    ).toBe(true);
  });

  it('checks the bearer key only when one is configured', () => {
    expect(checkBearer(undefined, open).ok).toBe(true);
    const keyed = { ...open, apiKey: 'sesame' };
    expect(checkBearer('Bearer sesame', keyed).ok).toBe(true);
    expect(checkBearer('bearer sesame', keyed).ok).toBe(true);
    expect(checkBearer('Bearer sesam', keyed)).toMatchObject({ ok: false, code: 'unauthorized' });
    expect(checkBearer('Basic c2VzYW1l', keyed).ok).toBe(false);
    expect(checkBearer(undefined, keyed).ok).toBe(false);
  });

  it('tells loopback bind addresses apart', () => {
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('localhost')).toBe(true);
    expect(isLoopbackAddress('0.0.0.0')).toBe(false);
    expect(isLoopbackAddress('192.168.1.2')).toBe(false);
  });
});
