import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ServiceError } from '../errors/service-error.js';
import { parseRequest, readJsonBody } from './parse-request.js';

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('it did not throw');
};

describe('parseRequest', () => {
  const schema = z.object({ limit: z.number().max(10) });

  it('gives the parsed value', () => {
    expect(parseRequest(schema, { limit: 3 })).toEqual({ limit: 3 });
  });

  it('refuses with a 400 invalid_request naming the field, or what was parsed', () => {
    const field = refusal(() => parseRequest(schema, { limit: 11 })) as ServiceError;
    expect(field).toBeInstanceOf(ServiceError);
    expect([field.code, field.status]).toEqual(['invalid_request', 400]);
    expect(field.message).toMatch(/^limit: /);
    const whole = refusal(() => parseRequest(schema, 'text', 'body')) as ServiceError;
    expect(whole.message).toMatch(/^body: /);
  });
});

describe('readJsonBody', () => {
  it('reads JSON, and refuses anything else with a 400 invalid_json', async () => {
    const request = (body: string) => new Request('http://127.0.0.1/', { method: 'POST', body });
    expect(await readJsonBody(request('{"a":1}'))).toEqual({ a: 1 });
    await expect(readJsonBody(request('{nope'))).rejects.toMatchObject({ code: 'invalid_json', status: 400 });
  });
});
