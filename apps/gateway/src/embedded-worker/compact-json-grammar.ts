// A JSON-schema grammar without optional whitespace. node-llama-cpp's grammar from a JSON schema lets
// the model lay the JSON out over lines with indentation (and a space after each ":" and ","), and
// `createGrammarForJsonSchema` has no option to turn that off: its GBNF generator does have one
// (`allowNewLines`), but it is not exported, and even without new lines it keeps the optional spaces.
// Every such token is one the call pays for in max_tokens and time, so the forced tool call uses the
// library's GBNF with its whitespace rules emptied. The rewrite relies on how node-llama-cpp 3.x
// names those rules; when the result still allows whitespace (a later version named them otherwise)
// it is not used, and the library's grammar is, unchanged: calls stay correct, only longer.
import type { GbnfJsonSchema, Llama, LlamaGrammar } from 'node-llama-cpp';

/** What the library's root rule ends with: the four new lines its stop trigger waits for. */
const rootEnding = ' "\\n\\n\\n\\n" [\\n]*';
const whitespaceRule = /^(whitespace-[\w-]*-rule) ::= .*$/gm;
const commaWhitespaceRule = /^(comma-whitespace-[\w-]*-rule) ::= .*$/gm;
/** The optional space after a key's colon, written inline in each object rule. */
const colonAndSpace = '":" [ ]?';

/**
 * The GBNF with every optional space, new line and indentation between JSON tokens removed, or null
 * when some remain after the rewrite (rules named in a way this does not know).
 */
export function compactJsonGbnf(gbnf: string): string | null {
  const compact = gbnf
    .replace(whitespaceRule, '$1 ::= ""')
    .replace(commaWhitespaceRule, '$1 ::= ","')
    .replaceAll(colonAndSpace, '":"');
  const withoutRootEnding = compact
    .split('\n')
    .map((line) =>
      line.startsWith('root ::= ') && line.endsWith(rootEnding) ? line.slice(0, -rootEnding.length) : line,
    )
    .join('\n');
  return withoutRootEnding.includes('[ ]') || withoutRootEnding.includes('[\\n]') ? null : compact;
}

/** A grammar for the schema's JSON written compactly, with the schema-checking parse of the library's. */
export interface CompactJsonSchemaGrammar {
  grammar: LlamaGrammar;
  /** Parses the generated text and checks it against the schema; throws when it does not match. */
  parse(text: string): unknown;
}

export async function createCompactJsonSchemaGrammar(
  llama: Llama,
  schema: GbnfJsonSchema,
): Promise<CompactJsonSchemaGrammar> {
  const library = await llama.createGrammarForJsonSchema(schema as never);
  const compact = compactJsonGbnf(library.grammar);
  const grammar = compact
    ? await llama.createGrammar({
        grammar: compact,
        stopGenerationTriggers: library.stopGenerationTriggers,
        trimWhitespaceSuffix: library.trimWhitespaceSuffix,
      })
    : library;
  return { grammar, parse: (text) => library.parse(text) };
}
