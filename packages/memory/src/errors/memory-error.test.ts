import { describe, expect, it } from 'vitest';
import { MemoryError } from './memory-error.js';

describe('MemoryError', () => {
  it('is recognised by its brand, even from an object built elsewhere', () => {
    const error = new MemoryError('invalid_argument', 'bad');
    expect(MemoryError.isInstance(error)).toBe(true);
    expect(error.code).toBe('invalid_argument');
    const foreign = Object.assign(new Error('x'), { [Symbol.for('@klody/memory/MemoryError')]: true });
    expect(MemoryError.isInstance(foreign)).toBe(true);
    expect(MemoryError.isInstance(new Error('plain'))).toBe(false);
    expect(MemoryError.isInstance(null)).toBe(false);
  });
});
