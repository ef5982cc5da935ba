// What the gateway changes in a JSON request before the worker sees it, in this order: the fields the
// worker (or the variant asked for) strips, its defaults (generation routes only, and only where the
// client set nothing), the fields it sets over the client's, and the model name the worker knows. The
// body is re-serialised only when something changed, so an untouched request is relayed byte for byte.
import type { RequestFields, VariantConfig, WorkerConfig } from '../registry/index.js';

/** The parameters one request gets: its worker's, with its variant's on top. */
export interface RequestParameters {
  set: RequestFields;
  strip: readonly string[];
  defaults: RequestFields;
}

/**
 * Routes that generate text, and which defaults apply to each: all of them on the OpenAI generation
 * routes; on the Anthropic Messages and OpenAI Responses APIs only the names that mean the same there
 * (their `stop_sequences` and `max_output_tokens` are other names: a default under those names applies).
 */
const generationRoutes: ReadonlyMap<string, ReadonlySet<string> | 'all'> = new Map<
  string,
  ReadonlySet<string> | 'all'
>([
  ['chat/completions', 'all'],
  ['completions', 'all'],
  ['messages', new Set(['max_tokens', 'temperature', 'top_p', 'top_k', 'stop_sequences', 'thinking'])],
  ['responses', new Set(['max_output_tokens', 'temperature', 'top_p', 'reasoning'])],
]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * `forced` over `base`: two objects merge key by key (a `set` of `chat_template_kwargs.enable_thinking`
 * keeps the client's other template arguments); anything else is replaced.
 */
export function mergeForced(base: unknown, forced: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(forced)) return forced;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(forced)) merged[key] = mergeForced(base[key], value);
  return merged;
}

function without(fields: RequestFields, names: ReadonlySet<string>): RequestFields {
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !names.has(key))) as RequestFields;
}

/**
 * A worker's parameters with a variant's on top: strips add up; the variant's defaults and set win,
 * and a field the variant strips is no longer defaulted or set by the worker.
 */
export function requestParameters(
  worker: Pick<WorkerConfig, 'set' | 'strip' | 'defaults'>,
  variant: Pick<VariantConfig, 'set' | 'strip' | 'defaults'> | null = null,
): RequestParameters {
  if (!variant) return { set: worker.set, strip: worker.strip, defaults: worker.defaults };
  const stripped = new Set(variant.strip);
  return {
    strip: [...new Set([...worker.strip, ...variant.strip])],
    defaults: { ...without(worker.defaults, stripped), ...variant.defaults },
    set: mergeForced(without(worker.set, stripped), variant.set) as RequestFields,
  };
}

function sameJson(left: unknown, right: unknown): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}

/**
 * Rewrites `json` (in place) for the worker; returns the body to send: `raw` itself when nothing
 * changed. `variant` is the variant the request's alias names, if any.
 */
export function rewriteRequest(
  route: string,
  json: Record<string, unknown>,
  raw: Buffer,
  config: WorkerConfig | undefined,
  variant: VariantConfig | null = null,
): Buffer {
  if (!config) return raw;
  const parameters = requestParameters(config, variant);
  let changed = false;
  for (const name of parameters.strip) {
    if (name in json) {
      delete json[name];
      changed = true;
    }
  }
  const defaultsApplied = generationRoutes.get(route);
  if (defaultsApplied) {
    for (const [key, value] of Object.entries(parameters.defaults)) {
      if (defaultsApplied !== 'all' && !defaultsApplied.has(key)) continue;
      if (value !== undefined && (json[key] === undefined || json[key] === null)) {
        json[key] = value;
        changed = true;
      }
    }
  }
  for (const [key, value] of Object.entries(parameters.set)) {
    if (value === undefined) continue;
    const merged = mergeForced(json[key], value);
    if (!sameJson(json[key], merged)) {
      json[key] = merged;
      changed = true;
    }
  }
  if (config.upstreamModel && json.model !== config.upstreamModel) {
    json.model = config.upstreamModel;
    changed = true;
  }
  return changed ? Buffer.from(JSON.stringify(json)) : raw;
}
