import { createHash } from 'node:crypto';

/**
 * One text per value whatever the order its keys were written in: object keys sorted (by UTF-16 code
 * units, the same order everywhere), no whitespace, arrays kept in order, numbers as JSON writes them
 * (`1.0` and `1` are the same number, so the same text). `undefined`, functions and symbols are dropped
 * from objects and written `null` in arrays, exactly as `JSON.stringify` does, so a value and its JSON
 * round trip give the same text. An approval is bound to the hash of this text: a model that
 * reorders the keys of an approved call still matches it, one that changes any value does not.
 */
export function canonicalJson(value: unknown): string {
  const text = canonical(value, new Set());
  // Like JSON.stringify, a bare undefined has no JSON text; the arguments of a call without any are `null`.
  return text ?? 'null';
}

/** The sha256 (hex) of `canonicalJson(value)`: what an approval is bound to. */
export function argumentsHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}

function canonical(value: unknown, ancestors: Set<object>): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // JSON has no NaN or Infinity; JSON.stringify writes them null, and so do we.
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: a bigint has no JSON form');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  const object = value as object;
  // Dates and other objects with toJSON are written as JSON.stringify would write them.
  if (typeof (object as { toJSON?: unknown }).toJSON === 'function') {
    return canonical((object as { toJSON(): unknown }).toJSON(), ancestors);
  }
  if (ancestors.has(object)) throw new TypeError('canonicalJson: the value is circular');
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      return `[${object.map((item) => canonical(item, ancestors) ?? 'null').join(',')}]`;
    }
    const entries: string[] = [];
    for (const key of Object.keys(object).sort()) {
      const item = canonical((object as Record<string, unknown>)[key], ancestors);
      if (item !== undefined) entries.push(`${JSON.stringify(key)}:${item}`);
    }
    return `{${entries.join(',')}}`;
  } finally {
    ancestors.delete(object);
  }
}
