import { timeLimit } from '@klody/memory';
import { z } from 'zod';

export interface GatewayModels {
  /** 'ok' when the gateway answered with a model list, 'unreachable' when it did not, null when none is configured. */
  status: 'ok' | 'unreachable' | null;
  /** Model ids and aliases the gateway serves. */
  models: Set<string>;
  /** Why the gateway counts as unreachable (no answer, an error status, not a model list); null otherwise. */
  reason: string | null;
}

const modelList = z.object({
  data: z.array(z.object({ id: z.string().optional(), aliases: z.array(z.unknown()).optional() }).loose()),
});

/**
 * Asks the gateway which models it serves (`GET /v1/models`), within `timeoutMs` for the whole
 * answer. A gateway that does not answer, or answers something that is not a model list (an HTML
 * page, JSON of another shape), is not fatal (CONTRACTS.md): the app runs degraded, with the models
 * treated as absent.
 */
export async function fetchGatewayModels(
  gatewayURL: string | null,
  apiKey: string | null,
  options: { fetch?: typeof fetch; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<GatewayModels> {
  if (!gatewayURL) return { status: null, models: new Set(), reason: null };
  const url = `${gatewayURL}/v1/models`;
  const timeout = timeLimit(
    options.timeoutMs ?? 3_000,
    `${url} did not answer within ${(options.timeoutMs ?? 3_000) / 1000} s`,
  );
  try {
    const response = await (options.fetch ?? fetch)(url, {
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
    });
    const text = await response.text();
    if (!response.ok)
      return unreachable(`${url} answered ${response.status}: ${text.replace(/\s+/g, ' ').slice(0, 120)}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return unreachable(
        `${url} answered with ${response.headers.get('content-type') ?? 'no content type'}, not a model list`,
      );
    }
    const parsed = modelList.safeParse(body);
    if (!parsed.success) return unreachable(`${url} answered JSON that is not a model list`);
    const models = new Set<string>();
    for (const model of parsed.data.data) {
      if (model.id) models.add(model.id);
      for (const alias of model.aliases ?? []) if (typeof alias === 'string') models.add(alias);
    }
    return { status: 'ok', models, reason: null };
  } catch (error) {
    if (timeout.aborted)
      return unreachable(`${url} did not answer within ${(options.timeoutMs ?? 3_000) / 1000} s`);
    return unreachable(`cannot reach ${url}: ${describeFetchError(error)}`);
  }
}

/** "fetch failed (ECONNREFUSED)": undici hides the reason in the cause. */
export function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `${error.message} (${code})` : error.message;
}

function unreachable(reason: string): GatewayModels {
  return { status: 'unreachable', models: new Set(), reason };
}
