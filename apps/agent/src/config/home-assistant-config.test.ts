import { ConfigurationError } from '@klody/service';
import { describe, expect, it } from 'vitest';
import { readConfig } from './config.js';

const token = 'eyJhbGciOiJIUzI1NiJ9.secret-part.signature';

describe('KLODY_HOME_ASSISTANT_URL and KLODY_HOME_ASSISTANT_TOKEN', () => {
  it('are off unless the URL is set, and off again with none', () => {
    expect(readConfig({}).homeAssistant).toBeNull();
    expect(readConfig({ KLODY_HOME_ASSISTANT_URL: 'none' }).homeAssistant).toBeNull();
    expect(
      readConfig({ KLODY_HOME_ASSISTANT_URL: 'none', KLODY_HOME_ASSISTANT_TOKEN: token }).homeAssistant,
    ).toBeNull();
  });

  it('take an http(s) URL without its trailing slashes, and the token', () => {
    const config = readConfig({
      KLODY_HOME_ASSISTANT_URL: 'http://127.0.0.1:8123/',
      KLODY_HOME_ASSISTANT_TOKEN: token,
    }).homeAssistant;
    expect(config?.url).toBe('http://127.0.0.1:8123');
    expect(config?.token).toBe(token);
  });

  it('keep the token out of the configuration when it is printed whole', () => {
    const config = readConfig({
      KLODY_HOME_ASSISTANT_URL: 'https://home.local:8123',
      KLODY_HOME_ASSISTANT_TOKEN: token,
    });
    expect(JSON.stringify(config)).not.toContain('secret-part');
    expect(JSON.stringify(config.homeAssistant)).toBe('{"url":"https://home.local:8123"}');
  });

  it('refuse a URL that is not http(s), naming the variable', () => {
    expect(() =>
      readConfig({ KLODY_HOME_ASSISTANT_URL: 'homeassistant.local', KLODY_HOME_ASSISTANT_TOKEN: token }),
    ).toThrow(/KLODY_HOME_ASSISTANT_URL: .*not a URL/);
    expect(() =>
      readConfig({ KLODY_HOME_ASSISTANT_URL: 'ws://127.0.0.1:8123', KLODY_HOME_ASSISTANT_TOKEN: token }),
    ).toThrow(/KLODY_HOME_ASSISTANT_URL: .* http\(s\)/);
  });

  it('stop the start when the URL comes without a token, saying how to make one', () => {
    expect(() => readConfig({ KLODY_HOME_ASSISTANT_URL: 'http://127.0.0.1:8123' })).toThrow(
      ConfigurationError,
    );
    expect(() => readConfig({ KLODY_HOME_ASSISTANT_URL: 'http://127.0.0.1:8123' })).toThrow(
      /KLODY_HOME_ASSISTANT_TOKEN: unset.*long-lived access token/,
    );
  });

  it('stop the start when a token comes without a URL', () => {
    expect(() => readConfig({ KLODY_HOME_ASSISTANT_TOKEN: token })).toThrow(
      /KLODY_HOME_ASSISTANT_URL: unset/,
    );
  });

  it('refuse a token with spaces without repeating it', () => {
    let message = '';
    try {
      readConfig({
        KLODY_HOME_ASSISTANT_URL: 'http://127.0.0.1:8123',
        KLODY_HOME_ASSISTANT_TOKEN: 'my secret token',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^KLODY_HOME_ASSISTANT_TOKEN: /);
    expect(message).not.toContain('secret');
  });
});
