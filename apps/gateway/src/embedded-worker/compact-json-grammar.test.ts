// The compact JSON grammar: the rewrite on a GBNF text, then on the GBNF node-llama-cpp really emits
// for a forced tool call (its native library loaded, no model), so that a version whose whitespace
// rules are named otherwise fails here rather than silently falling back to the spaced grammar.
import { getLlama, type Llama, type LlamaGrammar, LlamaLogLevel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tool } from './chat-request.js';
import { compactJsonGbnf, createCompactJsonSchemaGrammar } from './compact-json-grammar.js';
import { forcedToolCallSchema } from './tool-grammar.js';

// As node-llama-cpp 3.21 writes `{"name": "ping", "arguments": {"host": string}}`.
const spaced = [
  'root ::= rule1 "\\n\\n\\n\\n" [\\n]*',
  'val0 ::= "\\"ping\\""',
  'comma-whitespace-b-1-4-rule ::= "," ([\\n] ("    " | "\\t") | [ ]?)',
  'string-rule ::= "\\"" string-char-rule* "\\""',
  'whitespace-b-2-4-rule ::= [\\n] (" "{8} | "\\t\\t") | [ ]?',
  'whitespace-b-1-4-rule ::= [\\n] ("    " | "\\t") | [ ]?',
  'rule0 ::= "{" whitespace-b-2-4-rule "\\"host\\"" ":" [ ]? string-rule whitespace-b-1-4-rule "}"',
  'whitespace-b-0-4-rule ::= [\\n] | [ ]?',
  'rule1 ::= "{" whitespace-b-1-4-rule "\\"name\\"" ":" [ ]? val0 comma-whitespace-b-1-4-rule "\\"arguments\\"" ":" [ ]? rule0 whitespace-b-0-4-rule "}"',
].join('\n');

describe('compactJsonGbnf', () => {
  it('empties the whitespace rules and drops the space after each colon, keeping the root’s ending', () => {
    expect(compactJsonGbnf(spaced)?.split('\n')).toEqual([
      'root ::= rule1 "\\n\\n\\n\\n" [\\n]*',
      'val0 ::= "\\"ping\\""',
      'comma-whitespace-b-1-4-rule ::= ","',
      'string-rule ::= "\\"" string-char-rule* "\\""',
      'whitespace-b-2-4-rule ::= ""',
      'whitespace-b-1-4-rule ::= ""',
      'rule0 ::= "{" whitespace-b-2-4-rule "\\"host\\"" ":" string-rule whitespace-b-1-4-rule "}"',
      'whitespace-b-0-4-rule ::= ""',
      'rule1 ::= "{" whitespace-b-1-4-rule "\\"name\\"" ":" val0 comma-whitespace-b-1-4-rule "\\"arguments\\"" ":" rule0 whitespace-b-0-4-rule "}"',
    ]);
  });

  it('gives null when whitespace is still allowed after the rewrite (rules it does not know)', () => {
    expect(compactJsonGbnf(spaced.replaceAll('whitespace-b-', 'ws-'))).toBeNull();
    expect(compactJsonGbnf(`${spaced}\nextra ::= "[" [ ]* "]"`)).toBeNull();
  });
});

describe('createCompactJsonSchemaGrammar with node-llama-cpp', () => {
  let llama: Llama;
  beforeAll(async () => {
    llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  }, 60_000);
  afterAll(async () => {
    await llama?.dispose();
  });

  const tools: Tool[] = [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string' }, days: { type: 'array', items: { type: 'integer' } } },
          required: ['city', 'days'],
        },
      },
    },
    { type: 'function', function: { name: 'get_time' } },
  ];
  const call = { name: 'get_weather', arguments: { city: 'Lyon', days: [1, 2] } };

  // Whether a grammar accepts a text as a whole generation: node-llama-cpp's own check, internal (not
  // in its types), used here only, to test the grammars on texts instead of on their GBNF. A whole
  // generation ends with the four new lines of the library's stop trigger.
  const accepts = (grammar: LlamaGrammar, text: string) =>
    (grammar as unknown as { _testText(text: string): boolean })._testText(`${text}\n\n\n\n`);

  it('rewrites the GBNF the library emits for a forced call (its rule names are the ones it knows)', async () => {
    const library = await llama.createGrammarForJsonSchema(forcedToolCallSchema(tools) as never);
    expect(compactJsonGbnf(library.grammar)).not.toBeNull();
  });

  it('accepts the call written compactly only, where the library’s grammar accepts it spaced too', async () => {
    const library = await llama.createGrammarForJsonSchema(forcedToolCallSchema(tools) as never);
    const { grammar } = await createCompactJsonSchemaGrammar(llama, forcedToolCallSchema(tools));
    const compact = JSON.stringify(call);
    const spacedOut = JSON.stringify(call, null, 4);
    const oneSpace = compact.replaceAll(':', ': ');
    expect(accepts(library, compact)).toBe(true);
    expect(accepts(library, spacedOut)).toBe(true);
    expect(accepts(library, oneSpace)).toBe(true);
    expect(accepts(grammar, compact)).toBe(true);
    expect(accepts(grammar, JSON.stringify({ name: 'get_time', arguments: {} }))).toBe(true);
    expect(accepts(grammar, spacedOut)).toBe(false);
    expect(accepts(grammar, oneSpace)).toBe(false);
    expect(accepts(grammar, compact.slice(0, -1))).toBe(false);
    // The library's stop trigger (those four new lines) is still what ends the generation.
    expect(grammar.stopGenerationTriggers).toEqual(library.stopGenerationTriggers);
  });

  it('builds a grammar for tools with long strings (llama.cpp refused a bounded repetition of 2,000)', async () => {
    const long: Tool[] = [2_000, 4_096, 50_000].map((maxLength, index) => ({
      type: 'function',
      function: {
        name: `tool_${index}`,
        parameters: {
          type: 'object',
          properties: { text: { type: 'string', minLength: 1, maxLength } },
          required: ['text'],
        },
      },
    }));
    const { grammar } = await createCompactJsonSchemaGrammar(llama, forcedToolCallSchema(long));
    expect(accepts(grammar, JSON.stringify({ name: 'tool_0', arguments: { text: 'x'.repeat(300) } }))).toBe(
      true,
    );
    expect(accepts(grammar, JSON.stringify({ name: 'tool_2', arguments: { text: '' } }))).toBe(false);
  });

  it('writes only the required arguments when the schema names them (optional ones keep their defaults)', async () => {
    const search: Tool[] = [
      {
        type: 'function',
        function: {
          name: 'search',
          parameters: {
            type: 'object',
            properties: { query: { type: 'string' }, limit: { type: 'integer', maximum: 10 } },
            required: ['query'],
          },
        },
      },
    ];
    const { grammar } = await createCompactJsonSchemaGrammar(llama, forcedToolCallSchema(search));
    expect(accepts(grammar, JSON.stringify({ name: 'search', arguments: { query: 'whales' } }))).toBe(true);
    expect(
      accepts(grammar, JSON.stringify({ name: 'search', arguments: { query: 'whales', limit: 10000 } })),
    ).toBe(false);
  });

  it('parses with the schema check of the library’s grammar', async () => {
    const { parse } = await createCompactJsonSchemaGrammar(llama, forcedToolCallSchema(tools));
    expect(parse(JSON.stringify(call))).toEqual(call);
    expect(() => parse(JSON.stringify({ name: 'get_weather', arguments: { city: 3, days: [] } }))).toThrow();
  });
});
