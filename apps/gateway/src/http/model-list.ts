// GET /v1/models: one row per id a request's `model` may say (each worker's name, aliases and variants), in
// OpenAI's shape (`{ object: 'list', data: [{ id, object: 'model', created, owned_by }] }`, so that
// OpenAI clients list them), plus the gateway's own fields: the worker behind the id, its kind,
// whether it is remote, its state (model-state.ts) and its context length (context-length.ts).
// It only reads what the gateway knows already: it never waits for a worker.
import { isRemote } from '../registry/index.js';
import type { WorkerManager } from '../workers/index.js';
import { type ModelState, modelState } from './model-state.js';

export interface ModelRow {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  worker: string;
  kind: string;
  remote: boolean;
  state: ModelState;
  /** Tokens; null while unknown (not in the registry, and the worker has not said yet). */
  context_length: number | null;
}

/** A route's alias (replicas and fallbacks): the workers behind it instead of one worker. */
export interface RouteRow {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  route: { workers: string[]; fallbacks: string[] };
  /** The best of its workers' states: ready when one is. */
  state: ModelState;
  context_length: number | null;
}

const stateRank: Record<ModelState, number> = { ready: 0, remote: 1, loading: 2, stopped: 3, failed: 4 };

export function modelList(manager: WorkerManager): { object: 'list'; data: Array<ModelRow | RouteRow> } {
  // Listed workers' status rows carry their names as keys (retired ones carry another key).
  const states = new Map(manager.status().map((row) => [row.name, row]));
  const data = manager.workerConfigs().flatMap((worker) => {
    const status = states.get(worker.name);
    const state = status ? modelState(status.state, status.queued) : isRemote(worker) ? 'remote' : 'stopped';
    const contextLength = manager.contextLength(worker.name);
    return [worker.name, ...worker.aliases, ...worker.variants.map((variant) => variant.alias)].map(
      (id): ModelRow => ({
        id,
        object: 'model',
        created: 0,
        owned_by: 'klody-gateway',
        worker: worker.name,
        kind: worker.kind,
        remote: isRemote(worker),
        state,
        context_length: contextLength,
      }),
    );
  });
  const byWorker = new Map(data.map((row) => [row.worker, row]));
  const routes = Object.entries(manager.routing().routes).map(([id, route]): RouteRow => {
    const rows = route.workers.flatMap((worker) => byWorker.get(worker) ?? []);
    const best = rows.toSorted((a, b) => stateRank[a.state] - stateRank[b.state])[0];
    return {
      id,
      object: 'model',
      created: 0,
      owned_by: 'klody-gateway',
      route: { workers: route.workers, fallbacks: route.fallbacks },
      state: best?.state ?? 'stopped',
      context_length: rows.find((row) => row.context_length !== null)?.context_length ?? null,
    };
  });
  return { object: 'list', data: [...data, ...routes] };
}
