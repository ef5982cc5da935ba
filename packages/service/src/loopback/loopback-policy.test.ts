import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../errors/service-error.js';
import { hostNameOf, isLoopbackAddress, isLoopbackName } from './loopback-names.js';
import { checkHost, checkOrigin, loopbackPolicy } from './loopback-policy.js';

describe('host names', () => {
  it('reads a Host header with or without a port, and refuses malformed ones', () => {
    expect(hostNameOf('LocalHost:8090')).toBe('localhost');
    expect(hostNameOf('[::1]:8090')).toBe('[::1]');
    expect(hostNameOf('[::1]')).toBe('[::1]');
    expect(hostNameOf('127.0.0.1')).toBe('127.0.0.1');
    for (const malformed of [
      'localhost:80:evil',
      '::1',
      '',
      'a b',
      'localhost:',
      '.localhost',
      'x..localhost',
    ])
      expect(hostNameOf(malformed), malformed).toBeNull();
  });

  it('knows loopback names and bind addresses', () => {
    for (const name of ['localhost', 'app.localhost', '127.0.0.1', '127.255.3.4', '[::1]'])
      expect(isLoopbackName(name), name).toBe(true);
    for (const name of [
      'evil.example',
      'localhost.evil.example',
      '127.0.0.256',
      '128.0.0.1',
      '10.0.0.1',
      '[::2]',
    ])
      expect(isLoopbackName(name), name).toBe(false);
    for (const address of ['127.0.0.1', '::1', 'localhost', '127.1.2.3'])
      expect(isLoopbackAddress(address), address).toBe(true);
    for (const address of ['0.0.0.0', '::', '192.168.1.4'])
      expect(isLoopbackAddress(address), address).toBe(false);
  });
});

describe('the loopback policy', () => {
  // The table of issue 11: the four services disagreed on these; the policy decides once.
  it.each([
    ['127.0.0.2:8090', true],
    ['app.localhost:3000', true],
    ['localhost', true],
    ['[::1]:8765', true],
    ['::1', false],
    ['evil.example', false],
    ['localhost:80:evil', false],
    [undefined, false],
  ])('Host %s → %s', (host, accepted) => {
    expect(checkHost(host).ok).toBe(accepted);
  });

  it('accepts configured extra hosts only', () => {
    expect(checkHost('klody.lan:8090', { allowedHosts: ['Klody.lan'] }).ok).toBe(true);
    expect(checkHost('other.lan:8090', { allowedHosts: ['klody.lan'] }).ok).toBe(false);
  });

  it.each([
    [undefined, true],
    ['http://localhost:5173', true],
    ['http://127.0.0.1:8765', true],
    ['https://app.localhost', true],
    ['http://[::1]:8000', true],
    ['https://evil.example', false],
    ['null', false],
    ['file://', false],
    ['http://localhost.evil.example', false],
  ])('Origin %s → %s', (origin, accepted) => {
    expect(checkOrigin(origin).ok).toBe(accepted);
  });

  it('accepts configured extra origins exactly', () => {
    expect(checkOrigin('https://klody.lan', { allowedOrigins: ['https://klody.lan'] }).ok).toBe(true);
    expect(checkOrigin('https://klody.lan:444', { allowedOrigins: ['https://klody.lan'] }).ok).toBe(false);
  });

  it('says which header is refused and cuts what it quotes', () => {
    const verdict = checkHost(`${'x'.repeat(10_000)}.example`);
    expect(verdict).toMatchObject({ ok: false, code: 'forbidden_host' });
    expect(verdict.ok ? '' : verdict.message.length).toBeLessThan(300);
    expect(checkOrigin('https://evil.example')).toMatchObject({ ok: false, code: 'forbidden_origin' });
  });
});

describe('the loopback policy as middleware', () => {
  // It remembers the last Host and Origin that passed, to skip checking them again: a foreign value
  // sent after an accepted one must still be refused, every time, and an accepted one still pass.
  const allowedHosts = ['klody.lan'];
  const app = new Hono();
  app.use('*', loopbackPolicy({ allowedHosts, allowedOrigins: ['https://klody.lan'] }));
  app.get('/', (context) => context.text('ok'));
  app.onError(
    (error) => new Response(ServiceError.isInstance(error) ? error.code : 'other', { status: 403 }),
  );
  const verdict = async (headers: Record<string, string>) => {
    const response = await app.request('/', { headers });
    return `${response.status} ${await response.text()}`;
  };

  it('refuses a foreign Host or Origin right after an accepted one, and still accepts that one', async () => {
    for (let round = 0; round < 2; round++) {
      expect(await verdict({ host: '127.0.0.1:8090' })).toBe('200 ok');
      expect(await verdict({ host: 'evil.example' })).toBe('403 forbidden_host');
      expect(await verdict({ host: '127.0.0.1:8090' })).toBe('200 ok');
      expect(await verdict({ host: 'klody.lan' })).toBe('200 ok');
      expect(await verdict({ host: 'localhost', origin: 'http://localhost:5173' })).toBe('200 ok');
      expect(await verdict({ host: 'localhost', origin: 'https://evil.example' })).toBe(
        '403 forbidden_origin',
      );
      expect(await verdict({ host: 'localhost', origin: 'http://localhost:5173' })).toBe('200 ok');
      expect(await verdict({ host: 'localhost', origin: 'https://klody.lan' })).toBe('200 ok');
    }
  });

  it('reads the allowed hosts once: changing the array afterwards changes nothing', async () => {
    allowedHosts.push('late.lan');
    expect(await verdict({ host: 'late.lan' })).toBe('403 forbidden_host');
    allowedHosts.pop();
  });
});
