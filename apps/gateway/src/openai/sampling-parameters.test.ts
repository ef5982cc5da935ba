import { describe, expect, it } from 'vitest';
import { checkRequestNumbers, maxJsonDepth } from './sampling-parameters.js';

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

  it('reports the first bad number in document order', () => {
    const body = JSON.parse('{"a":[1,-1e999],"b":1e999}') as Record<string, unknown>;
    expect(checkRequestNumbers(body)).toBe('a[1] must be a finite number');
  });

  it('finds a bad number among strings and objects, and names its path', () => {
    const inArray = JSON.parse('{"a":["x",true,null,{"s":"y"},1e999]}') as Record<string, unknown>;
    expect(checkRequestNumbers(inArray)).toBe('a[4] must be a finite number');
    const inObject = JSON.parse('{"a":{"s":"x","b":false,"n":-1e999}}') as Record<string, unknown>;
    expect(checkRequestNumbers(inObject)).toBe('a.n must be a finite number');
  });

  it('draws the depth limit at the same level, whether or not anything is wrong below it', () => {
    const nested = (levels: number) =>
      JSON.parse(`{"messages":${'['.repeat(levels)}${']'.repeat(levels)}}`) as Record<string, unknown>;
    expect(checkRequestNumbers(nested(maxJsonDepth - 1))).toBeNull();
    expect(checkRequestNumbers(nested(maxJsonDepth))).toBe(
      `the JSON body nests deeper than ${maxJsonDepth} levels`,
    );
  });

  it('refuses JSON nested thousands of levels deep without overflowing the stack', () => {
    const deep = JSON.parse(`{"messages":${'['.repeat(5_000)}1${']'.repeat(5_000)}}`) as Record<
      string,
      unknown
    >;
    expect(checkRequestNumbers(deep)).toBe(`the JSON body nests deeper than ${maxJsonDepth} levels`);
    const fine = JSON.parse(`{"messages":${'['.repeat(100)}1${']'.repeat(100)}}`) as Record<string, unknown>;
    expect(checkRequestNumbers(fine)).toBeNull();
  });
});
