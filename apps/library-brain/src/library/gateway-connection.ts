import { createGatewayClient, type GatewayClient } from '@klody/gateway-client';
import { createEmbedderFromId, type Embedder, timeLimit } from '@klody/memory';
import type { LibraryBrainConfig } from '../config/config.js';

/**
 * - `disabled`: no gateway is configured (`KLODY_GATEWAY_URL=none`);
 * - `checking`: the first look at the gateway's models is still running;
 * - `ok`: the gateway listed its models and its embedder (when it serves one) answered;
 * - `unreachable`: `/v1/models` did not answer, or answered something that is not a model list;
 * - `failing`: it did, but the embedder check or a call to one of its models failed lately.
 */
export type GatewayState = 'disabled' | 'checking' | 'ok' | 'unreachable' | 'failing';

/** What Library Brain asks the gateway for while it answers. */
export type GatewayCapability = 'chat' | 'embeddings' | 'rerank';

export interface GatewayHealth {
  state: GatewayState;
  /** Why Library Brain runs degraded; null when it does not. */
  reason: string | null;
}

export interface GatewayConnectionOptions {
  config: LibraryBrainConfig;
  fetch?: typeof fetch;
  log: (message: string) => void;
  /** Overrides `config.gatewayRetryMs`. */
  retryMs?: number;
  /** Wraps the embedder once it has answered (Library Brain caches embeddings in its database). */
  prepareEmbedder: (embedder: Embedder) => Embedder;
}

/** Library Brain's view of the gateway: what it serves, and whether its models may be used now. */
export interface GatewayConnection {
  health(): GatewayHealth;
  serves(model: string): boolean;
  /** The gateway answered its last check and no call for this capability has failed since. */
  usable(capability: GatewayCapability): boolean;
  /** The embedder once it has answered (in-process, or the gateway's); null before that or without one. */
  embedder(): Embedder | null;
  /** Resolves when the first check is over, whatever it found. */
  settled(): Promise<void>;
  /**
   * Checks the gateway again when something is wrong and the last check (or failure) is older than
   * the retry interval; resolves when that check is over. Never rejects.
   */
  refresh(): Promise<void>;
  /** A call failed: the capability is not used again until a later check finds the gateway well. */
  reportFailure(capability: GatewayCapability, error: unknown): void;
  close(): void;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The ids the gateway routes (`GET /v1/models`), or why it counts as unreachable: it did not answer
 * (no connection, the time limit), or answered something that is not a model list (an error status,
 * an HTML page, JSON of another shape). Neither is fatal (CONTRACTS.md): the app runs degraded, with
 * the models treated as absent. The client's messages name the gateway's URL.
 */
async function listModels(
  client: GatewayClient,
  options: { timeoutMs: number; signal: AbortSignal },
): Promise<{ models: Set<string> } | { reason: string }> {
  try {
    const list = await client.models(options);
    return { models: new Set(list.data.map((model) => model.id)) };
  } catch (error) {
    return { reason: messageOf(error) };
  }
}

/**
 * Looks at the gateway in the background — its model list, then a first embedding when it serves
 * the embedder — each within the check time limit, so that nothing waits on a model that hangs:
 * the server listens first, and answers lexically and extractively until the gateway is well.
 */
export function createGatewayConnection(options: GatewayConnectionOptions): GatewayConnection {
  const { config, log } = options;
  const retryMs = options.retryMs ?? config.gatewayRetryMs;
  const closing = new AbortController();
  const client: GatewayClient | null = config.gatewayURL
    ? createGatewayClient({
        baseURL: config.gatewayURL,
        apiKey: config.gatewayAPIKey ?? undefined,
        fetch: options.fetch,
      })
    : null;
  const gatewayEmbedder = config.embedder === null || config.embedder.startsWith('openai:');
  let listing: 'pending' | 'ok' | 'unreachable' | 'disabled' = config.gatewayURL ? 'pending' : 'disabled';
  let listingReason: string | null = null;
  let models = new Set<string>();
  let embedder: Embedder | null = null;
  let embedderReason: string | null = null;
  const failures = new Map<GatewayCapability, string>();
  let lastCheck = 0;
  let inFlight: Promise<void> | null = null;
  let lastReported = '';

  // Every embedding request goes through this fetch: its limit is the check limit while the
  // embedder is being checked, then the answering limit (a query's embedding, ingestion batches).
  let embeddingLimitMs = config.gatewayCheckTimeoutMs;
  const limitedFetch: typeof fetch = (input, init) => {
    const signals = [
      timeLimit(embeddingLimitMs, `the embedder did not answer within ${embeddingLimitMs / 1000} s`),
      closing.signal,
    ];
    if (init?.signal) signals.push(init.signal);
    return (options.fetch ?? fetch)(input, { ...init, signal: AbortSignal.any(signals) });
  };

  function wantsEmbedder(): boolean {
    if (embedder) return false;
    if (config.embedder && !gatewayEmbedder) return true;
    return listing === 'ok' && models.has(config.embedder?.slice('openai:'.length) ?? config.embedModel);
  }

  async function resolveEmbedder(): Promise<void> {
    const id = config.embedder ?? `openai:${config.embedModel}`;
    embeddingLimitMs = config.gatewayCheckTimeoutMs;
    try {
      const created = await createEmbedderFromId(id, {
        baseUrl: config.gatewayURL ?? undefined,
        apiKey: config.gatewayAPIKey ?? undefined,
        fetch: limitedFetch,
        // The embedder's own limit would otherwise cut every request at its default (60 s), whatever
        // KLODY_LIBRARY_BRAIN_GATEWAY_TIMEOUT says; limitedFetch applies the configured one.
        timeoutMs: Math.max(config.gatewayTimeoutMs, config.gatewayCheckTimeoutMs),
      });
      embedder = options.prepareEmbedder(created);
      embedderReason = null;
      log(`embeddings: ${id} (${created.dimensions} dimensions)`);
    } catch (error) {
      embedderReason = `the embedder ${id} did not answer: ${messageOf(error)}`;
    } finally {
      embeddingLimitMs = config.gatewayTimeoutMs;
    }
  }

  function health(): GatewayHealth {
    const reasons = [listingReason, embedderReason, ...failures.values()].filter(
      (reason): reason is string => reason !== null,
    );
    const reason = reasons.length > 0 ? reasons.join('; ') : null;
    if (listing === 'disabled') return { state: 'disabled', reason };
    if (listing === 'pending')
      return { state: 'checking', reason: reason ?? "checking the gateway's models" };
    if (listing === 'unreachable') return { state: 'unreachable', reason };
    // Listed, but its embedder has not answered yet: not ok until it has.
    if (wantsEmbedder() && embedderReason === null)
      return {
        state: 'checking',
        reason: reason ?? `checking the embedder ${config.embedder ?? config.embedModel}`,
      };
    return { state: reason ? 'failing' : 'ok', reason };
  }

  function report(): void {
    const now = health();
    const line = `${now.state} ${now.reason ?? ''}`;
    if (line === lastReported) return;
    const first = lastReported === '';
    lastReported = line;
    if (now.reason)
      log(
        `the gateway at ${config.gatewayURL ?? '(none)'} is ${now.state}: ${now.reason}; lexical search and extractive answers meanwhile, asked again in ${retryMs / 1000} s`,
      );
    else if (!first && now.state === 'ok') log(`the gateway at ${config.gatewayURL} answers again`);
  }

  async function check(): Promise<void> {
    try {
      if (client) {
        const listed = await listModels(client, {
          timeoutMs: config.gatewayCheckTimeoutMs,
          signal: closing.signal,
        });
        if (closing.signal.aborted) return;
        if ('models' in listed) {
          listing = 'ok';
          listingReason = null;
          models = listed.models;
          // The gateway is well again: its models get another chance.
          failures.clear();
        } else {
          listing = 'unreachable';
          listingReason = listed.reason;
          models = new Set();
        }
      }
      if (wantsEmbedder()) await resolveEmbedder();
    } catch (error) {
      // Nothing above should throw; if it does, the gateway counts as unreachable, never as a crash.
      listing = config.gatewayURL ? 'unreachable' : listing;
      listingReason = messageOf(error);
    } finally {
      lastCheck = Date.now();
      if (!closing.signal.aborted) report();
    }
  }

  function degraded(): boolean {
    return (
      listing === 'pending' ||
      listing === 'unreachable' ||
      embedderReason !== null ||
      failures.size > 0 ||
      wantsEmbedder()
    );
  }

  function refresh(): Promise<void> {
    if (inFlight) return inFlight;
    if (closing.signal.aborted || !degraded() || Date.now() - lastCheck < retryMs) return Promise.resolve();
    inFlight = check().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  const first = refresh();

  return {
    health,
    serves: (model) => models.has(model),
    usable(capability) {
      if (failures.has(capability)) return false;
      if (capability === 'embeddings') return embedder !== null && (!gatewayEmbedder || listing === 'ok');
      return listing === 'ok';
    },
    embedder: () => embedder,
    settled: () => first,
    refresh,
    reportFailure(capability, error) {
      const what = {
        chat: `the chat model ${config.chatModel}`,
        embeddings: 'the embedder',
        rerank: `the reranker ${config.rerankModel}`,
      }[capability];
      failures.set(capability, `${what} failed: ${messageOf(error)}`);
      lastCheck = Date.now();
      report();
    },
    close() {
      closing.abort();
    },
  };
}
