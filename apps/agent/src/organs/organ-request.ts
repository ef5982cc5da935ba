import { startTimeLimit } from '@klody/service';
import { z } from 'zod';
import { ToolError } from '../tools/agent-tool.js';

/** An organ the agent reaches over HTTP, named in every error the model reads. */
export interface Organ {
  /** As people call it: "Library Brain", "VocalBrain", "the compose daemon". */
  name: string;
  /** Its base URL, without a trailing slash. */
  url: string;
  /** The variable that sets its URL (`KLODY_LIBRARY_BRAIN_URL`), named when it is disabled. */
  urlVariable: string;
  /** Sent as `Authorization: Bearer <key>` when set. */
  apiKey?: string | null;
  /** Longest wait for one call, from sending it to reading the whole answer. */
  timeoutMs: number;
  fetch?: typeof fetch;
}

export interface OrganRequest<T> {
  method?: 'GET' | 'POST' | 'DELETE';
  /** The path under the organ's URL, with its query: `/api/search?q=…`. */
  path: string;
  /** A JSON body (sent as JSON) or a form (multipart). */
  json?: unknown;
  form?: FormData;
  /** The tool call's signal: the loop aborts it when the turn is cancelled. */
  signal?: AbortSignal;
  /** Reads a 2xx answer; it runs under the same time limit as the request. */
  read: (response: Response) => Promise<T>;
}

/** The organ's base URL without trailing slashes: paths are appended to it. */
export function organBaseURL(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The system error code under a failed fetch (`ECONNREFUSED`, `ECONNRESET`, …), when there is one. */
export function networkCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/** The `{ error: { code, message } }` body of a Klody service or an OpenAI-compatible one, if any. */
async function errorOfBody(response: Response): Promise<{ code: string | null; message: string | null }> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    return { code: null, message: null };
  }
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; type?: unknown } };
    const code = typeof body.error?.code === 'string' ? body.error.code : null;
    // Cut short: an organ's message is read by the model, and a long one could carry instructions.
    const message = typeof body.error?.message === 'string' ? body.error.message.slice(0, 300) : null;
    if (message) return { code, message };
  } catch {
    // Not JSON: the raw text, cut short, says more than nothing.
  }
  const raw = text.trim().slice(0, 200);
  return { code: null, message: raw.length > 0 ? raw : null };
}

/**
 * One call to an organ, turned into a ToolError whenever it does not work: connection refused or
 * reset ("Library Brain is not running at …"), the time limit (a server that never answers, or stops
 * half-way through its answer), an error status (the organ's own message, with its code). The model
 * reads these and may work around them; the agent never crashes or hangs on an organ.
 */
export async function requestOrgan<T>(organ: Organ, request: OrganRequest<T>): Promise<T> {
  const base = organBaseURL(organ.url);
  const limit = startTimeLimit(
    organ.timeoutMs,
    `${organ.name} did not answer within ${Math.round(organ.timeoutMs / 100) / 10} s at ${base}`,
  );
  const signal = request.signal ? AbortSignal.any([request.signal, limit.signal]) : limit.signal;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (organ.apiKey) headers.authorization = `Bearer ${organ.apiKey}`;
  let body: BodyInit | undefined;
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  } else if (request.form) {
    body = request.form;
  }
  const call = organ.fetch ?? fetch;
  try {
    const response = await call(`${base}${request.path}`, {
      method: request.method ?? 'GET',
      headers,
      ...(body !== undefined ? { body } : {}),
      signal,
    });
    if (!response.ok) throw await statusError(organ, base, response);
    return await request.read(response);
  } catch (error) {
    throw toToolError(organ, base, error, { limit: limit.signal, caller: request.signal });
  } finally {
    limit.clear();
  }
}

async function statusError(organ: Organ, base: string, response: Response): Promise<ToolError> {
  const { code, message } = await errorOfBody(response);
  const said = message ? `: ${message}` : '';
  if (response.status === 401 || response.status === 403) {
    return new ToolError(
      `${organ.name} at ${base} refused the request (${response.status})${said}. Check its API key.`,
      code ?? 'organ_unauthorized',
    );
  }
  if (response.status >= 500) {
    return new ToolError(
      `${organ.name} at ${base} failed (${response.status})${said}`,
      code ?? 'organ_failed',
    );
  }
  return new ToolError(
    `${organ.name} at ${base} refused the request (${response.status})${said}`,
    code ?? 'organ_refused',
  );
}

function toToolError(
  organ: Organ,
  base: string,
  error: unknown,
  signals: { limit: AbortSignal; caller: AbortSignal | undefined },
): ToolError {
  if (error instanceof ToolError) return error;
  if (signals.caller?.aborted) {
    return new ToolError(`the call to ${organ.name} at ${base} was cancelled`, 'cancelled');
  }
  if (signals.limit.aborted) {
    const reason = signals.limit.reason as Error;
    return new ToolError(reason.message, 'organ_timeout');
  }
  const code = networkCode(error);
  if (code === 'ECONNREFUSED') {
    return new ToolError(`${organ.name} is not running at ${base} (connection refused)`, 'organ_not_running');
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new ToolError(`${organ.name} cannot be reached at ${base} (unknown host)`, 'organ_not_running');
  }
  if (error instanceof SyntaxError || error instanceof z.ZodError) {
    return new ToolError(
      `${organ.name} at ${base} sent an answer that is not valid JSON`,
      'organ_bad_answer',
    );
  }
  const detail = code ?? (error instanceof Error ? error.message : String(error));
  return new ToolError(
    `${organ.name} at ${base} closed the connection before answering (${detail})`,
    'organ_unreachable',
  );
}

/** What an organ's `/health` says, or why it could not be asked: for status pages, never an exception. */
export interface OrganHealth {
  name: string;
  url: string;
  /** The organ's own `status` (`ok`, `degraded`…), or `unreachable` when it did not answer well. */
  status: string;
  /** Why it is unreachable (the same sentence a tool would give), or null. */
  message: string | null;
}

/** A health check waits a few seconds at most, whatever the organ's limit for real calls. */
const healthTimeoutMs = 5_000;

export async function organHealth(organ: Organ, signal?: AbortSignal): Promise<OrganHealth> {
  try {
    const body = await requestOrgan(
      { ...organ, timeoutMs: Math.min(organ.timeoutMs, healthTimeoutMs) },
      {
        path: '/health',
        ...(signal ? { signal } : {}),
        read: readJson(z.object({ status: z.string() })),
      },
    );
    return { name: organ.name, url: organBaseURL(organ.url), status: body.status, message: null };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { name: organ.name, url: organBaseURL(organ.url), status: 'unreachable', message };
  }
}

/** Reads a JSON answer and checks its shape: an answer of another shape is the organ's fault, said so. */
export function readJson<T>(schema: z.ZodType<T>): (response: Response) => Promise<T> {
  return async (response) => schema.parse(await response.json());
}

/** The error a tool gives when its organ is disabled (`KLODY_…_URL=none`), saying how to enable it. */
export function organDisabledError(name: string, urlVariable: string, example: string): ToolError {
  return new ToolError(
    `${name} is disabled (${urlVariable}=none). To use it, set ${urlVariable} to its URL (e.g. ${example}) and restart the agent.`,
    'organ_disabled',
  );
}
