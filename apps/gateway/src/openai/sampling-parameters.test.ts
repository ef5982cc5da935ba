import { describe, expect, it } from 'vitest';
import { checkRequestNumbers } from './sampling-parameters.js';

describe('checkRequestNumbers', () => {
  it('accepts sane parameters', () => {
    expect(
      checkRequestNumbers({ model: 'x', temperature: 0.7, max_tokens: 20, top_p: 1, seed: 4 }),
    ).toBeNull();
  });

  it('refuses infinities parsed from JSON, naming the path', () => {
    const body = JSON.parse('{"model":"x","temperature":1e999}') as Record<string, unknown>;
    expect(checkRequestNumbers(body)).toBe('temperature must be a finite number');
    const nested = JSON.parse('{"messages":[{"x":-1e999}]}') as Record<string, unknown>;
    expect(checkRequestNumbers(nested)).toBe('messages[0].x must be a finite number');
  });

  it('refuses out-of-range values', () => {
    expect(checkRequestNumbers({ temperature: 7 })).toMatch(/^temperature .*got 7/);
    expect(checkRequestNumbers({ max_tokens: -3 })).toMatch(/^max_tokens/);
    expect(checkRequestNumbers({ max_tokens: 2.5 })).toMatch(/^max_tokens/);
    expect(checkRequestNumbers({ top_p: 'high' })).toMatch(/^top_p/);
  });
});
