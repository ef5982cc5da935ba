// What the gateway changes in a JSON request before the worker sees it: the worker's per-model
// defaults (generation routes only, and only where the client set nothing) and the model name the
// worker knows. The body is re-serialised only when something changed, so an untouched request is
// relayed byte for byte.
import type { WorkerConfig } from '../registry/index.js';

/** Routes that generate text: the ones the sampling defaults apply to. */
const generationRoutes = new Set(['chat/completions', 'completions']);

export function rewriteRequest(
  route: string,
  json: Record<string, unknown>,
  raw: Buffer,
  config: WorkerConfig | undefined,
): Buffer {
  if (!config) return raw;
  let changed = false;
  if (generationRoutes.has(route)) {
    for (const [key, value] of Object.entries(config.defaults)) {
      if (value !== undefined && (json[key] === undefined || json[key] === null)) {
        json[key] = value;
        changed = true;
      }
    }
  }
  if (config.upstreamModel && json.model !== config.upstreamModel) {
    json.model = config.upstreamModel;
    changed = true;
  }
  return changed ? Buffer.from(JSON.stringify(json)) : raw;
}
