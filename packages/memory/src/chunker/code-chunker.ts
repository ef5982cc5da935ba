import type { Node } from '@vscode/tree-sitter-wasm';
import { estimateTokens } from '../text/tokens.js';
import type { Chunk, Chunker } from './chunker.js';
import { splitLines } from './line-chunker.js';
import { createStructuralChunker } from './structural-chunker.js';
import { createParser } from './tree-sitter-grammars.js';

export interface CodeChunkerOptions {
  /** The file's language as `languageForPath` names it ('typescript', 'python', 'text'…). */
  language: string;
  /** Most estimated tokens in a chunk (default 400); a longer declaration is split. */
  maxTokens?: number;
  /**
   * Declarations under this many tokens (default 50: a one-line function, a constant) are packed with
   * their neighbours, so that a file of small helpers does not become a chunk per line.
   */
  groupBelowTokens?: number;
  /** Lines repeated between pieces of a declaration or file cut by lines (default 2). */
  overlapLines?: number;
}

interface Unit {
  start: number;
  end: number;
  /** `function add`, `class Foo > method bar`; null for imports, statements, detached comments. */
  heading: string | null;
  /** A named declaration big enough to be a chunk of its own, or a piece of a split one. */
  standalone: boolean;
}

// Prose in a repository (README, docs) is chunked by headings and paragraphs, as any document.
const proseLanguages = new Set(['markdown', 'text', 'restructuredtext', 'asciidoc']);

// Declaration node types across the kept grammars, by the word a heading shows.
const declarationKinds: Readonly<Record<string, string>> = {
  function_declaration: 'function',
  generator_function_declaration: 'function',
  function_definition: 'function',
  function_item: 'function',
  function_signature: 'function',
  method_definition: 'method',
  method_declaration: 'method',
  method: 'method',
  singleton_method: 'method',
  constructor_declaration: 'constructor',
  class_declaration: 'class',
  abstract_class_declaration: 'class',
  class_definition: 'class',
  class_specifier: 'class',
  class: 'class',
  interface_declaration: 'interface',
  trait_declaration: 'trait',
  trait_item: 'trait',
  type_alias_declaration: 'type',
  type_declaration: 'type',
  type_item: 'type',
  enum_declaration: 'enum',
  enum_item: 'enum',
  enum_specifier: 'enum',
  struct_item: 'struct',
  struct_specifier: 'struct',
  struct_declaration: 'struct',
  record_declaration: 'record',
  impl_item: 'impl',
  mod_item: 'mod',
  module: 'module',
  internal_module: 'namespace',
  namespace_declaration: 'namespace',
  namespace_definition: 'namespace',
  lexical_declaration: 'const',
  variable_declaration: 'var',
  const_item: 'const',
  static_item: 'static',
  macro_definition: 'macro',
  rule_set: 'rule',
};

/** The declaration inside wrappers that carry no name: `export …`, Python decorators, templates. */
function unwrap(node: Node): Node {
  if (node.type === 'export_statement' || node.type === 'ambient_declaration') {
    const inner =
      node.childForFieldName('declaration') ?? node.namedChildren.find((child) => child?.type !== 'comment');
    return inner ? unwrap(inner) : node;
  }
  if (node.type === 'decorated_definition') {
    const inner = node.childForFieldName('definition');
    return inner ? unwrap(inner) : node;
  }
  if (node.type === 'template_declaration') {
    const inner = node.namedChildren.at(-1);
    return inner ? unwrap(inner) : node;
  }
  return node;
}

function nameOf(node: Node, depth = 0): string | null {
  if (depth > 4) return null;
  if (/identifier$|^name$|^constant$|^word$/.test(node.type)) return node.text;
  const named = node.childForFieldName('name');
  if (named) return named.text;
  // C and C++ name a function inside its declarator; Rust's impl names its type; JavaScript's const
  // names its first declarator; Go's type declaration its first spec.
  for (const field of ['declarator', 'type']) {
    const inner = node.childForFieldName(field);
    if (inner) return nameOf(inner, depth + 1);
  }
  const declarator = node.namedChildren.find(
    (child) =>
      child?.type === 'variable_declarator' || child?.type === 'type_spec' || child?.type === 'const_spec',
  );
  return declarator ? nameOf(declarator, depth + 1) : null;
}

// Inside a function or class being split, its variables are statements, not what a reader looks for.
const variableKinds = new Set(['const', 'var', 'static']);

/**
 * `function add`, `class Foo`, `const config`; null when the node declares nothing with a name, or
 * only a variable inside a declaration (`nested`).
 */
function describe(node: Node, nested: boolean): string | null {
  const declaration = unwrap(node);
  const kind = declarationKinds[declaration.type];
  if (!kind || (nested && variableKinds.has(kind))) return null;
  if (kind === 'rule') {
    const selectors = declaration.namedChildren.find((child) => child?.type === 'selectors')?.text;
    return selectors ? `rule ${selectors.replace(/\s+/g, ' ').slice(0, 60)}` : null;
  }
  const name = nameOf(declaration);
  if (!name) return null;
  const word = declaration.type === 'lexical_declaration' ? (declaration.child(0)?.text ?? kind) : kind;
  return `${word} ${name.replace(/\s+/g, ' ').slice(0, 80)}`;
}

/** Moves a start back to the beginning of its line when only indentation precedes it. */
function lineStart(text: string, start: number): number {
  let position = start;
  while (position > 0 && (text[position - 1] === ' ' || text[position - 1] === '\t')) position--;
  return position === 0 || text[position - 1] === '\n' ? position : start;
}

/** Whether a comment ending at `end` sits right above the node starting at `start` (no blank line). */
function adjacent(text: string, end: number, start: number): boolean {
  const between = text.slice(end, start);
  return between.trim().length === 0 && between.split('\n').length <= 2;
}

function hasText(text: string, start: number, end: number): boolean {
  return start < end && text.slice(start, end).trim().length > 0;
}

/**
 * Chunks code by its structure: each top-level function, class or declaration is a chunk, with the
 * comment right above it (doc comments stay with what they document); small declarations, imports and
 * statements are packed together; a declaration over the budget is split at its members (a class's
 * methods) or, without members, by lines. Languages without a kept grammar are chunked by lines, prose
 * (Markdown, text) by headings and paragraphs. Offsets are exact: tree-sitter's indices into a
 * JavaScript string are UTF-16 code units, as `String.prototype.slice` counts.
 *
 * Async because the grammar (WebAssembly) is loaded first; `chunk` is then synchronous. Each chunker
 * holds a parser: create one per language and reuse it.
 */
export async function createCodeChunker(options: CodeChunkerOptions): Promise<Chunker> {
  const maxTokens = options.maxTokens ?? 400;
  const groupBelowTokens = options.groupBelowTokens ?? 50;
  const overlapLines = Math.max(0, Math.floor(options.overlapLines ?? 2));
  if (proseLanguages.has(options.language)) return createStructuralChunker({ maxTokens });
  const parser = await createParser(options.language);

  function byLines(text: string, start: number, end: number, heading: string | null, units: Unit[]): void {
    for (const piece of splitLines(text, start, end, maxTokens, overlapLines)) {
      units.push({ start: piece.start, end: piece.end, heading, standalone: true });
    }
  }

  /** Units covering the text of `[start, end)`, from the named children of `container` in it. */
  function collect(
    text: string,
    container: Node,
    start: number,
    end: number,
    prefix: string | null,
    units: Unit[],
  ): void {
    const own: Unit[] = [];
    let commentStart = -1;
    let commentEnd = -1;
    for (const child of container.namedChildren) {
      if (!child || child.endIndex <= start || child.startIndex >= end) continue;
      if (child.type === 'comment' || child.type === 'line_comment' || child.type === 'block_comment') {
        // A comment at the end of a line belongs to the code on that line.
        const previous = own.at(-1);
        if (commentStart < 0 && previous && !text.slice(previous.end, child.startIndex).includes('\n')) {
          previous.end = child.endIndex;
          continue;
        }
        if (commentStart >= 0 && !adjacent(text, commentEnd, child.startIndex)) {
          own.push({
            start: lineStart(text, commentStart),
            end: commentEnd,
            heading: prefix,
            standalone: false,
          });
          commentStart = -1;
        }
        if (commentStart < 0) commentStart = child.startIndex;
        commentEnd = child.endIndex;
        continue;
      }
      let unitStart = lineStart(text, child.startIndex);
      if (commentStart >= 0) {
        if (adjacent(text, commentEnd, child.startIndex)) unitStart = lineStart(text, commentStart);
        else
          own.push({
            start: lineStart(text, commentStart),
            end: commentEnd,
            heading: prefix,
            standalone: false,
          });
        commentStart = -1;
      }
      const described = describe(child, prefix !== null);
      const heading = described ? (prefix ? `${prefix} > ${described}` : described) : prefix;
      own.push({ start: unitStart, end: child.endIndex, heading, standalone: described !== null });
    }
    if (commentStart >= 0) {
      own.push({ start: lineStart(text, commentStart), end: commentEnd, heading: prefix, standalone: false });
    }
    if (own.length === 0) {
      if (hasText(text, start, end)) own.push({ start, end, heading: prefix, standalone: false });
    } else {
      // Text between the named children (a class's header and closing brace, a stray `;`) goes with
      // the unit before it, or the first one: nothing of the source is left out of every chunk.
      const first = own[0] as Unit;
      if (hasText(text, start, first.start)) first.start = start;
      own.forEach((unit, index) => {
        const next = own[index + 1];
        const limit = next ? next.start : end;
        if (hasText(text, unit.end, limit)) unit.end = trimEnd(text, unit.end, limit);
      });
    }
    for (const unit of own) {
      const tokens = estimateTokens(text.slice(unit.start, unit.end));
      if (tokens <= maxTokens) {
        units.push({ ...unit, standalone: unit.standalone && tokens >= groupBelowTokens });
        continue;
      }
      // Too big: split at its members when it has some (a class's methods, a module's statements).
      const node = container.namedChildren.find(
        (child) =>
          child !== null &&
          child.startIndex >= unit.start &&
          child.endIndex <= unit.end &&
          child.type !== 'comment',
      );
      const body = node ? bodyOf(unwrap(node)) : null;
      if (body && body.namedChildCount >= 2) collect(text, body, unit.start, unit.end, unit.heading, units);
      else byLines(text, unit.start, unit.end, unit.heading, units);
    }
  }

  function pack(text: string, units: Unit[]): Chunk[] {
    const chunks: Chunk[] = [];
    const push = (start: number, end: number, headings: (string | null)[]) => {
      const chunkText = text.slice(start, end);
      const named = [...new Set(headings.filter((heading): heading is string => heading !== null))];
      const heading =
        named.length === 0
          ? null
          : named.length <= 3
            ? named.join(', ')
            : `${named.slice(0, 3).join(', ')}, …`;
      chunks.push({
        ordinal: chunks.length,
        start,
        end,
        text: chunkText,
        heading,
        tokens: estimateTokens(chunkText),
      });
    };
    let group: Unit[] = [];
    let groupTokens = 0;
    const flush = () => {
      if (group.length === 0) return;
      push(
        (group[0] as Unit).start,
        (group.at(-1) as Unit).end,
        group.map((unit) => unit.heading),
      );
      group = [];
      groupTokens = 0;
    };
    for (const unit of units) {
      if (unit.standalone) {
        flush();
        push(unit.start, unit.end, [unit.heading]);
        continue;
      }
      const tokens = estimateTokens(text.slice(unit.start, unit.end));
      if (group.length > 0 && groupTokens + tokens > maxTokens) flush();
      group.push(unit);
      groupTokens += tokens;
    }
    flush();
    return chunks;
  }

  return {
    chunk(text) {
      const units: Unit[] = [];
      const tree = parser?.parse(text) ?? null;
      if (!tree) {
        byLines(text, 0, text.length, null, units);
      } else {
        try {
          collect(text, tree.rootNode, 0, text.length, null, units);
        } finally {
          // Trees live in WebAssembly memory, which the garbage collector does not see.
          tree.delete();
        }
      }
      return pack(text, units);
    },
  };
}

/** Where a declaration keeps its members or statements: a class body, a block, a declaration list. */
function bodyOf(node: Node): Node | null {
  return (
    node.childForFieldName('body') ??
    node.namedChildren.find((child) => child !== null && /body$|block$|declaration_list$/.test(child.type)) ??
    null
  );
}

function trimEnd(text: string, start: number, end: number): number {
  let position = end;
  while (position > start && /\s/.test(text[position - 1] as string)) position--;
  return position;
}
