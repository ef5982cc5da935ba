import { describe, expect, it } from 'vitest';
import type { Chunk } from './chunker.js';
import { createCodeChunker } from './code-chunker.js';
import { createLineChunker } from './line-chunker.js';

const typescript = [
  "import { readFile } from 'node:fs/promises';",
  '',
  "const greeting = 'héllo wörld 😀 — ça va';",
  '',
  '/** Adds two numbers; the doc comment stays with the function. */',
  'export function add(left: number, right: number): number {',
  '  const sum = left + right;',
  '  // Integers only: the callers round first.',
  '  return sum;',
  '}',
  '',
  'export class Calculator {',
  '  private total = 0;',
  '',
  '  plus(value: number): this {',
  '    this.total = add(this.total, value);',
  '    return this;',
  '  }',
  '',
  '  result(): number {',
  '    return this.total;',
  '  }',
  '}',
  '',
  'export interface Shape {',
  '  area(): number;',
  '}',
  '',
].join('\n');

/** Every chunk is an exact slice, and every non-blank character of the source is in some chunk. */
function expectExactAndCovering(text: string, chunks: Chunk[]): void {
  const covered = new Array<boolean>(text.length).fill(false);
  for (const chunk of chunks) {
    expect(text.slice(chunk.start, chunk.end)).toBe(chunk.text);
    for (let index = chunk.start; index < chunk.end; index++) covered[index] = true;
  }
  const missing = [...text]
    .map((_, index) => index)
    .filter((index) => !covered[index] && /\S/.test(text[index] as string));
  expect(missing.map((index) => text[index]).join('')).toBe('');
  expect(chunks.map((chunk) => chunk.ordinal)).toEqual(chunks.map((_, index) => index));
}

describe('createCodeChunker', () => {
  it('chunks TypeScript by functions and classes with exact offsets after non-ASCII text', async () => {
    const chunker = await createCodeChunker({ language: 'typescript', groupBelowTokens: 10 });
    const chunks = chunker.chunk(typescript);
    expectExactAndCovering(typescript, chunks);
    const add = chunks.find((chunk) => chunk.heading === 'function add');
    // The doc comment comes with it, and the chunk starts at the comment's line.
    expect(add?.text).toBe(
      typescript.slice(typescript.indexOf('/** Adds'), typescript.indexOf('}\n\nexport class') + 1),
    );
    const calculator = chunks.find((chunk) => chunk.heading === 'class Calculator');
    expect(calculator?.text.startsWith('export class Calculator {')).toBe(true);
    expect(calculator?.text.endsWith('return this.total;\n  }\n}')).toBe(true);
    expect(chunks.some((chunk) => chunk.heading === 'interface Shape')).toBe(true);
  });

  it('packs small declarations and imports together', async () => {
    const chunker = await createCodeChunker({ language: 'typescript' });
    const chunks = chunker.chunk(typescript);
    expectExactAndCovering(typescript, chunks);
    // The import and the constant are far below the default grouping threshold: one chunk.
    expect(chunks[0]?.text).toContain('import { readFile }');
    expect(chunks[0]?.text).toContain("const greeting = 'héllo");
    expect(chunks[0]?.heading).toContain('const greeting');
  });

  it('splits a class over the budget at its methods, header with the first and brace with the last', async () => {
    const methods = Array.from(
      { length: 6 },
      (_, index) =>
        `  method${index}(input: string): string {\n    const value = input.repeat(${index + 1});\n    return value.toUpperCase() + 'suffix number ${index}';\n  }`,
    );
    const text = `export class Big {\n${methods.join('\n\n')}\n}\n`;
    const chunker = await createCodeChunker({ language: 'typescript', maxTokens: 60, groupBelowTokens: 5 });
    const chunks = chunker.chunk(text);
    expectExactAndCovering(text, chunks);
    expect(chunks.length).toBeGreaterThanOrEqual(6);
    expect(chunks[0]?.text.startsWith('export class Big {')).toBe(true);
    expect(chunks[0]?.heading).toBe('class Big > method method0');
    expect(chunks.at(-1)?.text.endsWith('}\n}')).toBe(true);
    expect(chunks.at(-1)?.heading).toBe('class Big > method method5');
  });

  it('splits a long function without members by lines, all pieces under its name', async () => {
    const body = Array.from({ length: 80 }, (_, index) => `  total += ${index} * factor; // step ${index}`);
    const text = `function accumulate(factor: number): number {\n  let total = 0;\n${body.join('\n')}\n  return total;\n}\n`;
    const chunker = await createCodeChunker({ language: 'typescript', maxTokens: 120 });
    const chunks = chunker.chunk(text);
    expectExactAndCovering(text, chunks);
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.heading).toBe('function accumulate');
      expect(chunk.tokens).toBeLessThanOrEqual(120);
    }
  });

  it('chunks Python by functions and classes, decorators and docstrings included', async () => {
    const text = [
      'import functools',
      '',
      '',
      '# Caches the result: the comment stays with the function.',
      '@functools.cache',
      'def fibonacci(n: int) -> int:',
      '    """The n-th Fibonacci number, naïvely recursive."""',
      '    if n < 2:',
      '        return n',
      '    return fibonacci(n - 1) + fibonacci(n - 2) + 0 * len("déjà vu, encore une fois, et encore")',
      '',
      '',
      'class Greeter:',
      '    """Says hello in a few languages (français, 日本語)."""',
      '',
      '    def __init__(self, name: str) -> None:',
      '        self.name = name',
      '',
      '    def greet(self) -> str:',
      '        return f"Bonjour {self.name}, comment allez-vous aujourd\'hui ?"',
      '',
    ].join('\n');
    const chunker = await createCodeChunker({ language: 'python', groupBelowTokens: 10 });
    const chunks = chunker.chunk(text);
    expectExactAndCovering(text, chunks);
    const fibonacci = chunks.find((chunk) => chunk.heading === 'function fibonacci');
    expect(fibonacci?.text.startsWith('# Caches the result')).toBe(true);
    expect(fibonacci?.text).toContain('@functools.cache');
    expect(chunks.find((chunk) => chunk.heading === 'class Greeter')?.text).toContain('def greet');
  });

  it('falls back to lines with a small overlap for a language without a grammar', async () => {
    const text = Array.from(
      { length: 60 },
      (_, index) => `key_${index}: value number ${index} for the setting`,
    ).join('\n');
    const chunker = await createCodeChunker({ language: 'yaml', maxTokens: 60, overlapLines: 2 });
    const chunks = chunker.chunk(text);
    expectExactAndCovering(text, chunks);
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.heading).toBeNull();
      expect(chunk.start === 0 || text[chunk.start - 1] === '\n').toBe(true);
    }
    // Consecutive chunks share two lines.
    const [first, second] = chunks;
    const shared = (first?.text.split('\n') ?? []).slice(-2);
    expect(second?.text.split('\n').slice(0, 2)).toEqual(shared);
    // And the same as the plain line chunker.
    expect(createLineChunker({ maxTokens: 60, overlapLines: 2 }).chunk(text)).toEqual(chunks);
  });

  it('chunks Markdown by headings as documents are', async () => {
    const text = '# Title\n\nSome words here.\n\n## Usage\n\nRun the thing.\n';
    const chunker = await createCodeChunker({ language: 'markdown', maxTokens: 8 });
    const chunks = chunker.chunk(text);
    expect(chunks.map((chunk) => chunk.heading)).toContain('Usage');
  });

  it('keeps a comment at the end of a line with the code on that line', async () => {
    const text = 'const limit = 10; // the budget, in pages\nfunction read(): number {\n  return limit;\n}\n';
    const chunker = await createCodeChunker({ language: 'typescript', groupBelowTokens: 1 });
    const chunks = chunker.chunk(text);
    expectExactAndCovering(text, chunks);
    expect(chunks.map((chunk) => chunk.text)).toEqual([
      'const limit = 10; // the budget, in pages',
      'function read(): number {\n  return limit;\n}',
    ]);
  });

  it('keeps working on code that does not parse', async () => {
    const text = 'export function broken( {\n  return ;;; }}}\n\nfunction fine(): number {\n  return 1;\n}\n';
    const chunker = await createCodeChunker({ language: 'typescript', groupBelowTokens: 1 });
    const chunks = chunker.chunk(text);
    expectExactAndCovering(text, chunks);
  });
});

describe('createLineChunker', () => {
  it('cuts a single line over the budget by characters, and skips blank edges', () => {
    const text = `\n\nshort line\n${'word '.repeat(200)}\n\n`;
    const chunks = createLineChunker({ maxTokens: 20, overlapLines: 0 }).chunk(text);
    for (const chunk of chunks) {
      expect(text.slice(chunk.start, chunk.end)).toBe(chunk.text);
      expect(chunk.text.trim()).toBe(chunk.text.replace(/^\n+|\n+$/g, '').trim());
    }
    expect(chunks[0]?.text).toBe('short line');
    expect(chunks.length).toBeGreaterThan(2);
  });
});
