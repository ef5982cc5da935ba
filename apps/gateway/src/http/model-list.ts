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

export function modelList(manager: WorkerManager): { object: 'list'; data: ModelRow[] } {
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
  return { object: 'list', data };
}
