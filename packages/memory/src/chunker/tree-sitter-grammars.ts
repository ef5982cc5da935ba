import { createRequire } from 'node:module';
import type { Language, Parser } from '@vscode/tree-sitter-wasm';
import { lazyImport } from '../lazy/lazy-import.js';

/** The tree-sitter module (CommonJS; its `default` is the API), with its runtime initialised once. */
type TreeSitterModule = typeof import('@vscode/tree-sitter-wasm');

// The runtime is a WebAssembly module of about 200 KiB plus one grammar per language: nothing of it
// is imported until a code chunker is created (`import '@klody/memory'` stays light).
const loadTreeSitter: () => Promise<TreeSitterModule> = lazyImport(async () => {
  const imported = (await import('@vscode/tree-sitter-wasm')) as TreeSitterModule & {
    default?: TreeSitterModule;
  };
  const module = imported.default ?? imported;
  await module.Parser.init();
  return module;
});

/**
 * Code languages (as `languageForPath` names them) whose grammar `@vscode/tree-sitter-wasm` ships, by
 * the grammar's file name. C has no grammar of its own there; the C++ grammar parses C's functions,
 * structs and declarations alike, so C files use it.
 */
const grammarFiles: Readonly<Record<string, string>> = {
  typescript: 'typescript',
  tsx: 'tsx',
  javascript: 'javascript',
  python: 'python',
  rust: 'rust',
  go: 'go',
  java: 'java',
  csharp: 'c-sharp',
  cpp: 'cpp',
  c: 'cpp',
  ruby: 'ruby',
  php: 'php',
  bash: 'bash',
  css: 'css',
};

/** Whether a language has a kept grammar, so its files are chunked by functions and classes. */
export function hasGrammar(language: string): boolean {
  return Object.hasOwn(grammarFiles, language);
}

const resolveModule = createRequire(import.meta.url).resolve;
const languages = new Map<string, Promise<Language>>();

function loadLanguage(module: TreeSitterModule, grammar: string): Promise<Language> {
  let loading = languages.get(grammar);
  if (!loading) {
    loading = module.Language.load(
      resolveModule(`@vscode/tree-sitter-wasm/wasm/tree-sitter-${grammar}.wasm`),
    );
    // A failed load is forgotten, so that a later chunker tries again.
    loading.catch(() => languages.delete(grammar));
    languages.set(grammar, loading);
  }
  return loading;
}

/** A parser set to the language's grammar, or null when the language has none. */
export async function createParser(language: string): Promise<Parser | null> {
  const grammar = grammarFiles[language];
  if (!grammar) return null;
  const module = await loadTreeSitter();
  const parser = new module.Parser();
  parser.setLanguage(await loadLanguage(module, grammar));
  return parser;
}
