import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { argumentsHash, canonicalJson } from './canonical-arguments.js';

describe('canonicalJson', () => {
  it('sorts keys, so key order does not matter, and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: 'x', c: true })).toBe('{"a":"x","b":1,"c":true}');
    expect(canonicalJson({ c: true, a: 'x', b: 1 })).toBe(canonicalJson({ b: 1, a: 'x', c: true }));
  });

  it('sorts nested objects, including objects inside arrays', () => {
    const left = { outer: { z: [{ y: 1, x: 2 }], a: { d: null, c: 'c' } }, first: 0 };
    const right = { first: 0, outer: { a: { c: 'c', d: null }, z: [{ x: 2, y: 1 }] } };
    expect(canonicalJson(left)).toBe('{"first":0,"outer":{"a":{"c":"c","d":null},"z":[{"x":2,"y":1}]}}');
    expect(canonicalJson(right)).toBe(canonicalJson(left));
  });

  it('keeps the order of arrays: other order, other arguments', () => {
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
    expect(argumentsHash({ ids: [1, 2] })).not.toBe(argumentsHash({ ids: [2, 1] }));
  });

  it('drops undefined like JSON does, and writes it null in arrays', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
    expect(canonicalJson(undefined)).toBe('null');
    const value = { query: 'jazz', limit: undefined, filters: { year: 1959, author: undefined } };
    expect(canonicalJson(value)).toBe(canonicalJson(JSON.parse(JSON.stringify(value))));
  });

  it('writes numbers as JSON does: 1.0 is 1, -0 is 0, NaN and Infinity are null', () => {
    expect(canonicalJson({ n: 1.0 })).toBe(canonicalJson({ n: 1 }));
    expect(canonicalJson([1e21, 0.1, -0, 2.5e-7])).toBe('[1e+21,0.1,0,2.5e-7]');
    expect(canonicalJson([Number.NaN, Number.POSITIVE_INFINITY])).toBe('[null,null]');
    expect(argumentsHash({ n: 1 })).not.toBe(argumentsHash({ n: '1' }));
  });

  it('keeps unicode as written, sorts unicode keys the same way every time, and escapes what JSON escapes', () => {
    expect(canonicalJson({ titre: 'Les Misérables', émotion: '😀', a: 'line\nbreak "quoted"' })).toBe(
      '{"a":"line\\nbreak \\"quoted\\"","titre":"Les Misérables","émotion":"😀"}',
    );
    expect(canonicalJson({ é: 1, e: 2, z: 3 })).toBe('{"e":2,"z":3,"é":1}');
    // Composed and decomposed é are different strings (a file name may be either): not normalised.
    expect(argumentsHash({ name: 'caf\u00e9' })).not.toBe(argumentsHash({ name: 'cafe\u0301' }));
  });

  it('writes dates through toJSON and refuses what has no JSON form', () => {
    expect(canonicalJson({ at: new Date(Date.UTC(2026, 0, 2)) })).toBe('{"at":"2026-01-02T00:00:00.000Z"}');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => canonicalJson(circular)).toThrow(/circular/);
    expect(() => canonicalJson({ big: 1n })).toThrow(/bigint/);
    // The same object twice (not a cycle) is fine.
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });
});

describe('argumentsHash', () => {
  it('is the sha256 hex of the canonical JSON', () => {
    const value = { title: 'Candide', remove: true };
    const expected = createHash('sha256').update('{"remove":true,"title":"Candide"}').digest('hex');
    expect(argumentsHash(value)).toBe(expected);
    expect(argumentsHash(value)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the same whatever the key order, and differs for any other value', () => {
    expect(argumentsHash({ a: 1, b: { c: 2, d: 3 } })).toBe(argumentsHash({ b: { d: 3, c: 2 }, a: 1 }));
    expect(argumentsHash({ a: 1, b: { c: 2, d: 3 } })).not.toBe(argumentsHash({ a: 1, b: { c: 2, d: 4 } }));
    expect(argumentsHash({ bookId: 'b1' })).not.toBe(argumentsHash({ bookId: 'b1', all: true }));
  });
});
