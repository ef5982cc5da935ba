import { MemoryError } from '../errors/index.js';
import type { Embedder } from './embedder.js';
import { createModel2VecEmbedder } from './model2vec-embedder.js';
import { createOpenAiEmbedder } from './openai-embedder.js';
import type { PurposeEncoding } from './purpose-encoding.js';
import { createTransformersEmbedder } from './transformers-embedder.js';

export interface EmbedderFromIdOptions {
  /** Base URL (without /v1) for `openai:` ids, e.g. the gateway's. */
  baseUrl?: string;
  apiKey?: string;
  fetch?: typeof fetch;
  /**
   * How the model tells queries from passages (see `PurposeEncoding`): `input-type` for an `openai:`
   * server that applies the prefixes itself, `prefixes` for one given raw text or a `transformers:`
   * folder. Absent: symmetric.
   */
  purposes?: PurposeEncoding;
  /** Per-request time limit of `openai:` embedders in ms (default 60 s). */
  timeoutMs?: number;
}

/**
 * An embedder from its id (CONTRACTS.md): `model2vec:<folder>`, `transformers:<folder>`,
 * `openai:<alias>`. `openai:` ids need a base URL and probe the dimension with one request.
 */
export async function createEmbedderFromId(
  id: string,
  options: EmbedderFromIdOptions = {},
): Promise<Embedder> {
  const separator = id.indexOf(':');
  const kind = separator < 0 ? id : id.slice(0, separator);
  const rest = separator < 0 ? '' : id.slice(separator + 1);
  if (!rest) throw new MemoryError('invalid_argument', `embedder id must look like kind:value, got "${id}"`);
  switch (kind) {
    case 'model2vec':
      return createModel2VecEmbedder({ modelPath: rest });
    case 'transformers': {
      if (options.purposes?.kind === 'input-type')
        throw new MemoryError('invalid_argument', `${id} runs in process: give it prefixes, not input-type`);
      return createTransformersEmbedder({ modelPath: rest, prefixes: options.purposes });
    }
    case 'openai': {
      if (!options.baseUrl)
        throw new MemoryError('invalid_argument', `${id} needs a base URL (KLODY_GATEWAY_URL)`);
      return createOpenAiEmbedder({
        baseUrl: options.baseUrl,
        model: rest,
        apiKey: options.apiKey,
        fetch: options.fetch,
        purposes: options.purposes,
        timeoutMs: options.timeoutMs,
      });
    }
    default:
      throw new MemoryError('invalid_argument', `unknown embedder kind "${kind}" in "${id}"`);
  }
}
