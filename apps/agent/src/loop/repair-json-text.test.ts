import { describe, expect, it } from 'vitest';
import { repairJsonText } from './repair-json-text.js';

describe('repairJsonText', () => {
  it.each([
    ['trailing commas', '{"a": 1, "b": [1, 2,],}', { a: 1, b: [1, 2] }],
    ['single quotes', "{'query': 'l\\'île', 'n': 2}", { query: "l'île", n: 2 }],
    ['unquoted keys', '{query: "whales", max_results: 3}', { query: 'whales', max_results: 3 }],
    ['a code fence', '```json\n{"query": "whales"}\n```', { query: 'whales' }],
    [
      'text around the object',
      'Here are the arguments: {"query": "whales"} hope it helps',
      { query: 'whales' },
    ],
    [
      'Python literals',
      "{'exact': True, 'limit': None, 'all': False}",
      { exact: true, limit: null, all: false },
    ],
    [
      'quotes inside strings kept',
      `{'text': 'he said "hi", then left,'}`,
      { text: 'he said "hi", then left,' },
    ],
  ])('fixes %s', (_name, text, expected) => {
    expect(repairJsonText(text)).toEqual(expected);
  });

  it('does not touch what is inside strings', () => {
    expect(repairJsonText("{note: 'True, None: and key: value,]'}")).toEqual({
      note: 'True, None: and key: value,]',
    });
  });

  it.each([
    ['no object at all', 'search for whales'],
    ['an unclosed string', '{"query": "whales}'],
    ['broken structure', '{"query": "whales" "n": 2}'],
  ])('gives null for %s', (_name, text) => {
    expect(repairJsonText(text)).toBeNull();
  });
});
