export interface GatewayModels {
  /** 'ok' when the gateway answered, 'unreachable' when it did not, null when none is configured. */
  status: 'ok' | 'unreachable' | null;
  /** Model ids and aliases the gateway serves. */
  models: Set<string>;
}

/**
 * Asks the gateway which models it serves (`GET /v1/models`). A gateway that does not answer is not
 * fatal (CONTRACTS.md): the app runs degraded, with the models treated as absent.
 */
export async function fetchGatewayModels(
  gatewayURL: string | null,
  apiKey: string | null,
  fetchImplementation: typeof fetch = fetch,
): Promise<GatewayModels> {
  if (!gatewayURL) return { status: null, models: new Set() };
  try {
    const response = await fetchImplementation(`${gatewayURL}/v1/models`, {
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      signal: AbortSignal.timeout(3_000),
    });
    if (!response.ok) return { status: 'unreachable', models: new Set() };
    const body = (await response.json()) as { data?: { id?: unknown; aliases?: unknown }[] };
    const models = new Set<string>();
    for (const model of body.data ?? []) {
      if (typeof model.id === 'string') models.add(model.id);
      if (Array.isArray(model.aliases))
        for (const alias of model.aliases) if (typeof alias === 'string') models.add(alias);
    }
    return { status: 'ok', models };
  } catch {
    return { status: 'unreachable', models: new Set() };
  }
}
