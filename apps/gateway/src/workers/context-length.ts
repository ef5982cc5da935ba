// A model's context length (tokens), as GET /v1/models reports it: the registry's when it knows it
// (an embedded worker's `contextSize`, or a worker's `contextLength`), else what the worker itself says
// once it is ready — llama-server's `GET /props` (`default_generation_settings.n_ctx`), or a row of
// its `GET /v1/models` (llama-server's `meta.n_ctx_train`, vLLM's `max_model_len`). The worker is asked
// once per start, in the background: never on a request's path, never awaited by /v1/models; a
// failure only leaves the length as it was (unknown, or the previous start's).
import { isRemote, type WorkerConfig } from '../registry/index.js';
import { urlOf, type WorkerEntry } from './worker-table.js';

/** The context length the registry gives; null when it gives none. */
export function registryContextLength(config: WorkerConfig): number | null {
  if (!isRemote(config) && config.embedded) return config.embedded.contextSize;
  return config.contextLength ?? null;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const positiveInteger = (value: unknown): number | null =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;

/** llama-server's `GET /props`: `default_generation_settings.n_ctx` (older builds put `n_ctx` at the top). */
export function contextLengthFromProps(body: unknown): number | null {
  if (!isRecord(body)) return null;
  const settings = body.default_generation_settings;
  return (isRecord(settings) ? positiveInteger(settings.n_ctx) : null) ?? positiveInteger(body.n_ctx);
}

/**
 * A `GET /v1/models` answer: the row of `model` (the worker's upstream model name) when there is one,
 * else the first row; its `max_model_len` (vLLM), else its `meta.n_ctx_train` (llama-server).
 */
export function contextLengthFromModels(body: unknown, model: string | null): number | null {
  if (!isRecord(body) || !Array.isArray(body.data)) return null;
  const rows = body.data.filter(isRecord);
  const row = rows.find((candidate) => model !== null && candidate.id === model) ?? rows[0];
  if (!row) return null;
  return (
    positiveInteger(row.max_model_len) ?? (isRecord(row.meta) ? positiveInteger(row.meta.n_ctx_train) : null)
  );
}

/** A GET of the worker's JSON, with its key; null on any failure (refused, slow, not JSON, too big). */
export type FetchWorkerJson = (url: string, workerKey: string | null) => Promise<unknown>;

const answerLimitBytes = 1024 * 1024;

export const fetchWorkerJson: FetchWorkerJson = async (url, workerKey) => {
  try {
    const response = await fetch(url, {
      headers: workerKey === null ? {} : { authorization: `Bearer ${workerKey}` },
      signal: AbortSignal.timeout(2_000),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return null;
    }
    // Read within a limit: a worker's odd answer must not fill the gateway's memory.
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body ?? []) {
      size += chunk.length;
      if (size > answerLimitBytes) return null;
      chunks.push(chunk);
    }
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
};

/** What the workers said, per registry entry; a reload that replaces a worker starts afresh. */
export class ContextLengths {
  private readonly reported = new WeakMap<WorkerEntry, { generation: number; length: number | null }>();

  constructor(private readonly fetchJson: FetchWorkerJson = fetchWorkerJson) {}

  /**
   * The worker has just become ready (spawned or adopted): ask it, in the background, unless the
   * registry knows the length or this start was asked already. Resolves when the question is over.
   */
  learn(entry: WorkerEntry): Promise<void> {
    const config = entry.config;
    if (isRemote(config) || registryContextLength(config) !== null) return Promise.resolve();
    const generation = entry.generation;
    const previous = this.reported.get(entry);
    if (previous?.generation === generation) return Promise.resolve();
    // Claimed at once, so that a second call for the same start does not ask again.
    this.reported.set(entry, { generation, length: previous?.length ?? null });
    return this.ask(entry).then((length) => {
      // A later start's answer (or none) wins over a late one.
      if (this.reported.get(entry)?.generation !== generation) return;
      this.reported.set(entry, { generation, length: length ?? previous?.length ?? null });
    });
  }

  /** The registry's length, else the last one the worker reported (kept while it is stopped); else null. */
  of(entry: WorkerEntry): number | null {
    return registryContextLength(entry.config) ?? this.reported.get(entry)?.length ?? null;
  }

  private async ask(entry: WorkerEntry): Promise<number | null> {
    const base = urlOf(entry.config);
    const fromProps = contextLengthFromProps(await this.fetchJson(`${base}/props`, entry.workerKey));
    if (fromProps !== null) return fromProps;
    return contextLengthFromModels(
      await this.fetchJson(`${base}/v1/models`, entry.workerKey),
      entry.config.upstreamModel ?? null,
    );
  }
}
