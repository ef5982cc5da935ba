// Whether the gateway answers and serves the chat model, as /health and the MCP `health` tool say it.
// It asks `/v1/models` (not `/health`): a gateway that answers but lacks the chat model fails every
// turn, and only the model list shows that.
import { modelListResponseSchema } from '@klody/gateway-client';

export interface GatewayHealth {
  gateway: 'ok' | 'unreachable' | 'model_missing';
  /** Why it is not `ok`, in one sentence naming the gateway; null when it is. */
  reason: string | null;
}

export interface GatewayHealthOptions {
  /** The gateway's base URL, without `/v1`. */
  gatewayURL: string;
  /** KLODY_GATEWAY_API_KEY: a gateway with a key refuses /v1/models without it. */
  apiKey?: string | null;
  /** The chat model's alias (KLODY_CHAT_MODEL). */
  chatModel: string;
  /** Longest wait for the model list (default 1 s: a health check must not hang). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export async function gatewayHealth(options: GatewayHealthOptions): Promise<GatewayHealth> {
  const { gatewayURL, chatModel } = options;
  const fetcher = options.fetch ?? fetch;
  try {
    const response = await fetcher(`${gatewayURL}/v1/models`, {
      headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
      signal: AbortSignal.timeout(options.timeoutMs ?? 1_000),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return {
        gateway: 'unreachable',
        reason: `the gateway at ${gatewayURL} answered ${response.status} to /v1/models`,
      };
    }
    const parsed = modelListResponseSchema.safeParse(await response.json());
    if (!parsed.success)
      return {
        gateway: 'unreachable',
        reason: `the gateway at ${gatewayURL} sent a model list of the wrong shape`,
      };
    const served = parsed.data.data.map((model) => model.id);
    if (served.includes(chatModel)) return { gateway: 'ok', reason: null };
    return {
      gateway: 'model_missing',
      reason: `the gateway at ${gatewayURL} serves no model "${chatModel}" (KLODY_CHAT_MODEL); it serves: ${served.join(', ') || 'nothing'}`,
    };
  } catch (error) {
    return {
      gateway: 'unreachable',
      reason: `the gateway at ${gatewayURL} does not answer (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}
