import { join } from 'node:path';
import {
  ConfigurationError,
  isLoopbackAddress,
  klodyHome,
  type LogLevel,
  optionalText,
  readEnvironment,
  readGatewayURL,
  readLogLevel,
  readServiceURL,
} from '@klody/service';
import { z } from 'zod';
import type { ModelTimeLimits } from '../loop/model-time-limits.js';
import { type HomeAssistantConfig, readHomeAssistantConfig } from './home-assistant-config.js';
import { readVoiceConfig, type VoiceConfig } from './voice-config.js';

/** The agent's configuration, read from the environment (CONTRACTS.md names the shared variables). */
export interface AgentConfig {
  /** `$KLODY_HOME/agent`: the app's own folder. */
  home: string;
  /** `$KLODY_HOME/agent/agent.db`: sessions, messages, tool calls, approvals and the agent's memory. */
  databasePath: string;
  /** `$KLODY_HOME/agent/mcp.yaml`: the MCP servers whose tools the agent uses (none when it is missing). */
  mcpConfigPath: string;
  /** `KLODY_AGENT_HOST`: 127.0.0.1 unless set; any other address needs `KLODY_AGENT_API_KEY`. */
  host: string;
  /** `KLODY_AGENT_PORT` (8000). */
  port: number;
  /** `KLODY_AGENT_API_KEY`: when set, /api/* asks `Authorization: Bearer <key>`. */
  apiKey: string | null;
  /** The gateway's base URL without `/v1`, or null when `KLODY_GATEWAY_URL=none`. */
  gatewayURL: string | null;
  gatewayAPIKey: string | null;
  /** `KLODY_CHAT_MODEL`: the alias of the chat model at the gateway (`brain`). */
  chatModel: string;
  /** `KLODY_EMBED_MODEL`: the gateway's embedding alias (`embed`), for `KLODY_EMBEDDER=openai:<alias>`. */
  embedModel: string;
  /** `KLODY_EMBEDDER`: the embedder of the agent's memory; null keeps the memory lexical. */
  embedder: string | null;
  /** Library Brain's URL (`KLODY_LIBRARY_BRAIN_URL`), or null when it is `none`. */
  libraryBrainURL: string | null;
  /** VocalBrain's URL (`KLODY_VOCALBRAIN_URL`), or null when it is `none`. */
  vocalBrainURL: string | null;
  /** The music daemon behind `compose` (`KLODY_AGENT_COMPOSE_URL`); null (off) unless set. */
  composeURL: string | null;
  /** A self-hosted SearXNG behind `web_search` (`KLODY_SEARXNG_URL`); null (off, no web) unless set. */
  searxngURL: string | null;
  /**
   * Home Assistant behind `home_assistant_states` and `home_assistant_call` (`KLODY_HOME_ASSISTANT_URL`
   * and `KLODY_HOME_ASSISTANT_TOKEN`); null (off, the tools are absent) unless the URL is set.
   */
  homeAssistant: HomeAssistantConfig | null;
  /** Tool calls in one turn before the agent asks whether to go on (`KLODY_AGENT_MAX_STEPS`, 12). */
  maxSteps: number;
  /**
   * `KLODY_AGENT_TOOL_CHOICE`: `auto` (default) lets the model choose; `required-first` makes the first
   * step of each turn call a tool, for small models that never call one on their own.
   */
  toolChoice: 'auto' | 'required-first';
  /**
   * `KLODY_AGENT_TOOLS`: the built-in tools the agent may use, by name (comma-separated), or null for
   * every default tool. Names are checked against the registry when the agent opens. MCP servers' tools
   * are not chosen here: mcp.yaml says which servers run (`enabled: false` keeps one off).
   */
  tools: string[] | null;
  /** The voice loop (`/voice`, `agent talk`): VAD model, turn detection, duplex. */
  voice: VoiceConfig;
  /** How long an approval waits for a decision (`KLODY_AGENT_APPROVAL_TTL`, seconds; 600). */
  approvalTtlMs: number;
  /**
   * Longest wait for a quick organ call: a search, the book list, a removal (`KLODY_AGENT_TOOL_TIMEOUT`,
   * seconds; 30). Calls that run a model (ask_books, speak, transcribe, summarize) keep their own.
   */
  toolTimeoutMs: number;
  /**
   * How long a model call may stay silent: before its first token (`KLODY_AGENT_MODEL_TIMEOUT`,
   * seconds; 180, for a gateway that loads the model first) and between two tokens
   * (`KLODY_AGENT_MODEL_IDLE_TIMEOUT`, seconds; 60). Past either, the turn ends with `model_timeout`.
   */
  modelTimeLimits: ModelTimeLimits;
  /** `KLODY_LOG_LEVEL`, validated by @klody/service (`info` by default). */
  logLevel: LogLevel;
}

/** A duration in seconds (fractions allowed) within bounds; empty means the default. */
function seconds(most: number) {
  return optionalText.pipe(
    z.coerce
      .number<string>()
      .positive('must be more than 0 seconds')
      .max(most, `must be at most ${most} seconds`)
      .optional(),
  );
}

const port = optionalText.pipe(
  z.coerce
    .number<string>()
    .int('must be a whole number')
    .min(1, 'must be a port between 1 and 65535')
    .max(65_535, 'must be a port between 1 and 65535')
    .optional(),
);

const environmentSchema = z.object({
  KLODY_HOME: optionalText,
  KLODY_AGENT_HOST: optionalText,
  KLODY_AGENT_PORT: port,
  KLODY_AGENT_API_KEY: optionalText,
  KLODY_GATEWAY_URL: optionalText,
  KLODY_GATEWAY_API_KEY: optionalText,
  KLODY_CHAT_MODEL: optionalText,
  KLODY_EMBED_MODEL: optionalText,
  KLODY_EMBEDDER: optionalText.refine(
    (value) => value === undefined || /^(model2vec|transformers|openai):.+/.test(value),
    'must be model2vec:<folder>, transformers:<folder> or openai:<alias>',
  ),
  KLODY_LIBRARY_BRAIN_PORT: port,
  KLODY_LIBRARY_BRAIN_URL: optionalText,
  KLODY_VOCALBRAIN_PORT: port,
  KLODY_VOCALBRAIN_URL: optionalText,
  KLODY_AGENT_COMPOSE_URL: optionalText,
  KLODY_SEARXNG_URL: optionalText,
  KLODY_AGENT_MAX_STEPS: optionalText.pipe(
    z.coerce
      .number<string>()
      .int('must be a whole number of steps')
      .min(1, 'must be at least 1 step')
      .max(100, 'must be at most 100 steps')
      .optional(),
  ),
  KLODY_AGENT_TOOLS: optionalText.pipe(
    z
      .string()
      .regex(
        /^[a-z_]+(?:\s*,\s*[a-z_]+)*$/,
        'must be tool names separated by commas, e.g. search_books,current_time',
      )
      .optional(),
  ),
  KLODY_AGENT_TOOL_CHOICE: optionalText.pipe(z.enum(['auto', 'required-first']).optional()),
  KLODY_AGENT_APPROVAL_TTL: seconds(86_400),
  KLODY_AGENT_TOOL_TIMEOUT: seconds(3_600),
  KLODY_AGENT_MODEL_TIMEOUT: seconds(3_600),
  KLODY_AGENT_MODEL_IDLE_TIMEOUT: seconds(3_600),
});

/** An http(s) base URL without its trailing slashes, `none` (→ null), or the default. */
/** Reads and validates the configuration; a bad value throws a ConfigurationError naming the variable. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const values = readEnvironment(environmentSchema, env);
  const home = klodyHome('agent', { KLODY_HOME: values.KLODY_HOME });
  const host = values.KLODY_AGENT_HOST ?? '127.0.0.1';
  const apiKey = values.KLODY_AGENT_API_KEY ?? null;
  if (!isLoopbackAddress(host) && apiKey === null) {
    // The agent acts on your books, your memory and your speakers: never keyless on a network.
    throw new ConfigurationError(
      `KLODY_AGENT_HOST: "${host}" is not a loopback address; binding it needs KLODY_AGENT_API_KEY`,
    );
  }
  return {
    home,
    databasePath: join(home, 'agent.db'),
    mcpConfigPath: join(home, 'mcp.yaml'),
    host,
    port: values.KLODY_AGENT_PORT ?? 8000,
    apiKey,
    gatewayURL: readGatewayURL(values.KLODY_GATEWAY_URL),
    gatewayAPIKey: values.KLODY_GATEWAY_API_KEY ?? null,
    chatModel: values.KLODY_CHAT_MODEL ?? 'brain',
    embedModel: values.KLODY_EMBED_MODEL ?? 'embed',
    embedder: values.KLODY_EMBEDDER ?? null,
    libraryBrainURL: readServiceURL(
      'KLODY_LIBRARY_BRAIN_URL',
      values.KLODY_LIBRARY_BRAIN_URL,
      `http://127.0.0.1:${values.KLODY_LIBRARY_BRAIN_PORT ?? 8765}`,
    ),
    vocalBrainURL: readServiceURL(
      'KLODY_VOCALBRAIN_URL',
      values.KLODY_VOCALBRAIN_URL,
      `http://127.0.0.1:${values.KLODY_VOCALBRAIN_PORT ?? 8600}`,
    ),
    composeURL: readServiceURL('KLODY_AGENT_COMPOSE_URL', values.KLODY_AGENT_COMPOSE_URL, null),
    searxngURL: readServiceURL('KLODY_SEARXNG_URL', values.KLODY_SEARXNG_URL, null),
    homeAssistant: readHomeAssistantConfig(env),
    maxSteps: values.KLODY_AGENT_MAX_STEPS ?? 12,
    toolChoice: values.KLODY_AGENT_TOOL_CHOICE ?? 'auto',
    tools: values.KLODY_AGENT_TOOLS ? values.KLODY_AGENT_TOOLS.split(',').map((name) => name.trim()) : null,
    voice: readVoiceConfig(env),
    approvalTtlMs: (values.KLODY_AGENT_APPROVAL_TTL ?? 600) * 1000,
    toolTimeoutMs: (values.KLODY_AGENT_TOOL_TIMEOUT ?? 30) * 1000,
    modelTimeLimits: {
      firstPartMs: (values.KLODY_AGENT_MODEL_TIMEOUT ?? 180) * 1000,
      idleMs: (values.KLODY_AGENT_MODEL_IDLE_TIMEOUT ?? 60) * 1000,
    },
    logLevel: readLogLevel(env),
  };
}
