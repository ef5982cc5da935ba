import { ConfigurationError } from '@klody/service';
import { describe, expect, it } from 'vitest';
import { readConfig } from './config.js';

describe('KLODY_SEARXNG_URL', () => {
  it('is off unless set, and off again with none', () => {
    expect(readConfig({}).searxngURL).toBeNull();
    expect(readConfig({ KLODY_SEARXNG_URL: 'none' }).searxngURL).toBeNull();
  });

  it('takes an http(s) URL without its trailing slashes', () => {
    expect(readConfig({ KLODY_SEARXNG_URL: 'http://127.0.0.1:8888/' }).searxngURL).toBe(
      'http://127.0.0.1:8888',
    );
  });

  it('refuses anything else, naming the variable', () => {
    expect(() => readConfig({ KLODY_SEARXNG_URL: 'searx.local' })).toThrow(ConfigurationError);
    expect(() => readConfig({ KLODY_SEARXNG_URL: 'ftp://searx.local' })).toThrow(
      /KLODY_SEARXNG_URL: .* http\(s\)/,
    );
  });
});
