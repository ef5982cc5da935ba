import { expect, it } from 'vitest';
import { ConfigurationError } from '../errors/configuration-error.js';
import { readGatewayURL, readServiceURL } from './service-url.js';

it('reads a service URL without its trailing slash, the fallback when unset, and null for none', () => {
  expect(readServiceURL('KLODY_AGENT_URL', 'http://localhost:7000/', null)).toBe('http://localhost:7000');
  expect(readServiceURL('KLODY_AGENT_URL', undefined, 'http://127.0.0.1:8000')).toBe('http://127.0.0.1:8000');
  expect(readServiceURL('KLODY_AGENT_URL', undefined, null)).toBeNull();
  expect(readServiceURL('KLODY_AGENT_URL', 'NONE', 'http://127.0.0.1:8000')).toBeNull();
});

it('refuses what is not an http(s) URL, naming the variable', () => {
  expect(() => readServiceURL('KLODY_AGENT_URL', 'agent', null)).toThrow(ConfigurationError);
  expect(() => readServiceURL('KLODY_AGENT_URL', 'agent', null)).toThrow(
    'KLODY_AGENT_URL: "agent" is not a URL',
  );
  expect(() => readServiceURL('KLODY_AGENT_URL', 'ftp://127.0.0.1', null)).toThrow(
    'KLODY_AGENT_URL: "ftp://127.0.0.1" must be an http(s) URL',
  );
});

it('reads the gateway URL with or without /v1, 8090 by default', () => {
  expect(readGatewayURL(undefined)).toBe('http://127.0.0.1:8090');
  expect(readGatewayURL('http://127.0.0.1:9000/v1/')).toBe('http://127.0.0.1:9000');
  expect(readGatewayURL('none')).toBeNull();
});
