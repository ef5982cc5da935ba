import { MemoryError } from '../errors/index.js';
import type { Embedder } from './embedder.js';
import { createModel2VecEmbedder } from './model2vec-embedder.js';
import { createOpenAiEmbedder } from './openai-embedder.js';
import { createTransformersEmbedder } from './transformers-embedder.js';

export interface EmbedderFromIdOptions {
  /** Base URL (without /v1) for `openai:` ids, e.g. the gateway's. */
  baseUrl?: string;
  apiKey?: string;
  fetch?: typeof fetch;
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
    case 'transformers':
      return createTransformersEmbedder({ modelPath: rest });
    case 'openai': {
      if (!options.baseUrl)
        throw new MemoryError('invalid_argument', `${id} needs a base URL (KLODY_GATEWAY_URL)`);
      return createOpenAiEmbedder({
        baseUrl: options.baseUrl,
        model: rest,
        apiKey: options.apiKey,
        fetch: options.fetch,
      });
    }
    default:
      throw new MemoryError('invalid_argument', `unknown embedder kind "${kind}" in "${id}"`);
  }
}
