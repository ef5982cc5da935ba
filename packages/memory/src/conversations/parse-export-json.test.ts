import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MemoryError } from '../errors/index.js';
import {
  findJsonSyntaxError,
  lineAndColumn,
  parseExportJson,
  topLevelElementAt,
} from './parse-export-json.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/conversations');

describe('findJsonSyntaxError', () => {
  it('returns -1 for valid JSON and the offset of the first error otherwise', () => {
    expect(findJsonSyntaxError('[{"a": [1, -2.5e3, true, null, "x\\u00e9\\n"]}]')).toBe(-1);
    expect(findJsonSyntaxError('[1, 2,]')).toBe(6);
    expect(findJsonSyntaxError('{"a" 1}')).toBe(5);
    expect(findJsonSyntaxError('[{"a":1}}')).toBe(8);
    expect(findJsonSyntaxError('[1] x')).toBe(4);
    expect(findJsonSyntaxError('"abc')).toBe(4);
    expect(findJsonSyntaxError('[tru')).toBe(4);
  });

  it('agrees with JSON.parse on every truncation of a real fixture, and puts the error at its end', async () => {
    const text = await readFile(join(fixtures, 'claude/conversations.json'), 'utf8');
    for (let length = 0; length < text.length; length += 37) {
      const truncated = text.slice(0, length);
      expect(() => JSON.parse(truncated)).toThrow();
      // A prefix of valid JSON only ever fails at its end (or just before, on a half-read word).
      expect(findJsonSyntaxError(truncated)).toBeGreaterThanOrEqual(
        Math.max(0, truncated.trimEnd().length - 5),
      );
    }
    expect(findJsonSyntaxError(text)).toBe(-1);
  });
});

describe('lineAndColumn', () => {
  it('counts lines and columns from 1', () => {
    expect(lineAndColumn('ab\ncd\nef', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd\nef', 4)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn('ab\ncd\nef', 8)).toEqual({ line: 3, column: 3 });
  });
});

describe('parseExportJson', () => {
  it('names the file, the line and the column of a syntax error', () => {
    const error = (() => {
      try {
        parseExportJson('[\n  {"title": "a",\n   "mapping": {]\n', '/tmp/export/conversations.json');
      } catch (caught) {
        return caught;
      }
    })();
    expect(MemoryError.isInstance(error)).toBe(true);
    expect((error as MemoryError).code).toBe('load_failed');
    expect((error as MemoryError).message).toContain(
      '/tmp/export/conversations.json: invalid JSON at line 3, column 16, in conversation 0',
    );
  });

  it('says when the file ends too early', () => {
    expect(() => parseExportJson('[{"title": "a"', 'conversations.json')).toThrow(
      /conversations\.json: invalid JSON at line 1, column 15, in conversation 0 \(the file ends too early: truncated\?\)/,
    );
  });

  it('reads a file that starts with a byte-order mark', () => {
    expect(parseExportJson('\uFEFF[1]', 'x.json')).toEqual([1]);
  });
});

describe('topLevelElementAt', () => {
  it('names the element of a one-line array that holds an offset', () => {
    const text = '[{"id": "a", "t": "x,y"}, {"id": "b", "parts": ["[,]"]}, {"id": "c\\"", "n": [1, 2]}]';
    expect(topLevelElementAt(text, text.indexOf('"a"'))).toBe(0);
    expect(topLevelElementAt(text, text.indexOf('"parts"'))).toBe(1);
    expect(topLevelElementAt(text, text.indexOf('"n"'))).toBe(2);
    expect(topLevelElementAt(text, text.length)).toBeNull();
    expect(topLevelElementAt('{"a": 1}', 3)).toBeNull();
  });

  it('points a truncated one-line export at the conversation it stopped in', () => {
    const text = JSON.stringify([{ title: 'one' }, { title: 'two' }, { title: 'three', mapping: {} }]);
    expect(() => parseExportJson(text.slice(0, -8), 'conversations.json')).toThrow(
      /line 1, column \d+, in conversation 2 \(the file ends too early/,
    );
  });
});
