// A small client of Home Assistant's REST API (https://developers.home-assistant.io/docs/api/rest/):
// the states of the entities, and service calls. Every failure becomes a ToolError with a sentence the
// model can read and pass on ("the token was refused", "cannot be reached at …"), never a crash of the
// turn. The token is only ever put in the Authorization header: no message, output or log carries it.
import { startTimeLimit } from '@klody/service';
import { z } from 'zod';
import { networkCode } from '../../organs/organ-request.js';
import { ToolError } from '../agent-tool.js';
import { entityOf, type HomeAssistantEntity, stateObjectSchema } from './home-assistant-entity.js';
import { readJsonWithin } from './read-json-within.js';

/** One service call: `POST /api/services/<domain>/<service>` with `{ ...data, entity_id }`. */
export interface ServiceCall {
  domain: string;
  service: string;
  entityId: string;
  data?: Record<string, unknown>;
}

export interface HomeAssistantClient {
  readonly url: string;
  /** Every entity (`GET /api/states`). */
  states(options?: { signal?: AbortSignal }): Promise<HomeAssistantEntity[]>;
  /** One entity (`GET /api/states/<entity_id>`), or null when Home Assistant has none of that id. */
  state(entityId: string, options?: { signal?: AbortSignal }): Promise<HomeAssistantEntity | null>;
  /** Calls a service on one entity; resolves to the states that changed while it ran. */
  callService(call: ServiceCall, options?: { signal?: AbortSignal }): Promise<HomeAssistantEntity[]>;
}

export interface HomeAssistantClientOptions {
  /** The base URL, e.g. `http://127.0.0.1:8123`. */
  url: string;
  /** A long-lived access token. */
  token: string;
  /** Longest wait for one call, answer read whole (default 30 s). */
  timeoutMs?: number;
  /** Most bytes of one answer (default 8 MiB: the states of a large house). */
  maxBytes?: number;
  fetch?: typeof fetch;
}

const name = 'Home Assistant';

/** An error body of Home Assistant (`{"message": …}` or plain text), cut short and on one line. */
async function saidIn(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  let said = text;
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === 'string') said = body.message;
  } catch {
    // Plain text: said as it is.
  }
  // Cut short: the model reads it, and a long one could carry instructions.
  const line = said.replace(/\s+/g, ' ').trim().slice(0, 200);
  return line ? `: ${line}` : '';
}

export function createHomeAssistantClient(options: HomeAssistantClientOptions): HomeAssistantClient {
  const base = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  const call = options.fetch ?? fetch;

  /** One request; `read` gets the parsed JSON of a 2xx answer, `missing` answers a 404 when given. */
  async function request<T>(
    path: string,
    init: { method: 'GET' | 'POST'; json?: unknown; signal?: AbortSignal | undefined },
    read: (body: unknown) => T,
    missing?: () => T,
  ): Promise<T> {
    const seconds = Math.round(timeoutMs / 100) / 10;
    const limit = startTimeLimit(timeoutMs, `${name} did not answer within ${seconds} s at ${base}`);
    const signal = init.signal ? AbortSignal.any([init.signal, limit.signal]) : limit.signal;
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${options.token}`,
    };
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await call(`${base}${path}`, {
        method: init.method,
        headers,
        ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
        signal,
      });
      if (response.status === 401 || response.status === 403) {
        await response.body?.cancel().catch(() => undefined);
        throw new ToolError(
          `${name} at ${base} answered ${response.status}: the token was refused. Check KLODY_HOME_ASSISTANT_TOKEN (a long-lived access token of a Home Assistant user).`,
          'home_assistant_unauthorized',
        );
      }
      if (response.status === 404 && missing) {
        await response.body?.cancel().catch(() => undefined);
        return missing();
      }
      if (!response.ok) {
        const said = await saidIn(response);
        throw response.status >= 500
          ? new ToolError(`${name} at ${base} failed (${response.status})${said}`, 'home_assistant_failed')
          : new ToolError(
              `${name} at ${base} refused the request (${response.status})${said}`,
              'home_assistant_refused',
            );
      }
      const body = await readJsonWithin(response, maxBytes);
      if (!body.ok) {
        throw body.reason === 'too_large'
          ? new ToolError(
              `${name} at ${base} sent an answer larger than ${Math.round(maxBytes / 1024)} KiB; not read`,
              'home_assistant_answer_too_large',
            )
          : new ToolError(`${name} at ${base} sent an answer that is not JSON`, 'home_assistant_bad_answer');
      }
      try {
        return read(body.value);
      } catch (error) {
        if (error instanceof z.ZodError) {
          throw new ToolError(
            `${name} at ${base} sent an answer of an unexpected shape`,
            'home_assistant_bad_answer',
          );
        }
        throw error;
      }
    } catch (error) {
      if (error instanceof ToolError) throw error;
      if (init.signal?.aborted) throw new ToolError(`the call to ${name} was cancelled`, 'cancelled');
      if (limit.signal.aborted) {
        throw new ToolError((limit.signal.reason as Error).message, 'home_assistant_timeout');
      }
      const code = networkCode(error);
      const why =
        code === 'ECONNREFUSED'
          ? 'connection refused: is it running?'
          : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
            ? 'unknown host'
            : (code ?? 'the connection failed');
      throw new ToolError(`${name} cannot be reached at ${base} (${why})`, 'home_assistant_unreachable');
    } finally {
      limit.clear();
    }
  }

  const stateList = z.array(stateObjectSchema);
  return {
    url: base,
    states({ signal } = {}) {
      return request('/api/states', { method: 'GET', signal }, (body) => stateList.parse(body).map(entityOf));
    },
    state(entityId, { signal } = {}) {
      return request<HomeAssistantEntity | null>(
        `/api/states/${encodeURIComponent(entityId)}`,
        { method: 'GET', signal },
        (body) => entityOf(stateObjectSchema.parse(body)),
        () => null,
      );
    },
    callService({ domain, service, entityId, data }, { signal } = {}) {
      return request(
        `/api/services/${encodeURIComponent(domain)}/${encodeURIComponent(service)}`,
        // entity_id last: nothing in `data` can change which entity the call acts on.
        { method: 'POST', json: { ...data, entity_id: entityId }, signal },
        (body) => {
          // Recent versions answer `{ changed_states, service_response }` when asked for a response;
          // a plain call answers the list of changed states.
          const list = Array.isArray(body) ? body : (body as { changed_states?: unknown }).changed_states;
          return stateList.parse(list ?? []).map(entityOf);
        },
      );
    },
  };
}
