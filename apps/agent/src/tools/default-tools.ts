import { createSearxngSearch, fetchWebPage, type SemanticMemory } from '@klody/memory';
import { createComposeClient } from '../organs/compose-client.js';
import { createLibraryBrainClient } from '../organs/library-brain-client.js';
import { createVocalBrainClient } from '../organs/vocalbrain-client.js';
import type { AgentTool } from './agent-tool.js';
import { createComposeTool } from './compose-tool.js';
import { createCurrentTimeTool } from './current-time-tool.js';
import {
  createHomeAssistantCallTool,
  createHomeAssistantClient,
  createHomeAssistantStatesTool,
} from './home-assistant/index.js';
import { createAskBooksTool, createRemoveBookTool, createSearchBooksTool } from './library-brain-tools.js';
import { createForgetTool, createRecallTool, createRememberTool } from './memory-tools.js';
import { createSummarizeTool, type ModelInstance } from './summarize-tool.js';
import { createSpeakTool, createTranscribeTool } from './vocalbrain-tools.js';
import { createWebSearchTool } from './web-search-tool.js';

export interface DefaultToolsDependencies {
  /** Library Brain's URL, or null when disabled (KLODY_LIBRARY_BRAIN_URL=none): its tools then say so. */
  libraryBrainURL: string | null;
  libraryBrainAPIKey?: string | null;
  /** VocalBrain's URL, or null when disabled (KLODY_VOCALBRAIN_URL=none). */
  vocalBrainURL: string | null;
  vocalBrainAPIKey?: string | null;
  /** Model aliases at VocalBrain (KLODY_TTS_MODEL, KLODY_STT_MODEL; default `tts`, `stt`). */
  speechModel?: string;
  transcriptionModel?: string;
  /** The compose daemon's URL; compose is registered only when it is set. */
  composeURL: string | null;
  /** A self-hosted SearXNG (KLODY_SEARXNG_URL); web_search is registered only when it is set. */
  searxngURL?: string | null;
  /** Page reads of web_search: most bytes and seconds per page (default 1 MiB, 10 s). */
  webPageMaxBytes?: number;
  webPageTimeoutMs?: number;
  /**
   * Home Assistant (KLODY_HOME_ASSISTANT_URL and _TOKEN); home_assistant_states and home_assistant_call
   * are registered only when it is set.
   */
  homeAssistant?: { url: string; token: string } | null;
  /** The agent's facts (its semantic memory's `user` namespace). */
  memory: SemanticMemory;
  /** The chat model instance summarize calls (never a model-id string). */
  model: ModelInstance;
  /** Where speak saves its WAV files: `$KLODY_HOME/agent/audio/`. */
  audioFolder: string;
  now?: () => Date;
  fetch?: typeof fetch;
  /** Longest wait for a quick organ call: a search, the book list, a removal (default 30 s). */
  timeoutMs?: number;
  /** Longest wait for a call that runs a model: ask, speak, transcribe, summarize (default 180 s), compose (600 s). */
  modelTimeoutMs?: number;
}

/** The agent's own tools, in the order the model sees them. */
export function createDefaultTools(dependencies: DefaultToolsDependencies): AgentTool[] {
  const { timeoutMs, modelTimeoutMs } = dependencies;
  const shared = {
    ...(dependencies.fetch ? { fetch: dependencies.fetch } : {}),
  };
  const library = dependencies.libraryBrainURL
    ? createLibraryBrainClient({
        url: dependencies.libraryBrainURL,
        apiKey: dependencies.libraryBrainAPIKey ?? null,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(modelTimeoutMs !== undefined ? { answerTimeoutMs: modelTimeoutMs } : {}),
        ...shared,
      })
    : null;
  const vocal = dependencies.vocalBrainURL
    ? createVocalBrainClient({
        url: dependencies.vocalBrainURL,
        apiKey: dependencies.vocalBrainAPIKey ?? null,
        ...(dependencies.speechModel ? { speechModel: dependencies.speechModel } : {}),
        ...(dependencies.transcriptionModel ? { transcriptionModel: dependencies.transcriptionModel } : {}),
        ...(modelTimeoutMs !== undefined ? { timeoutMs: modelTimeoutMs } : {}),
        ...shared,
      })
    : null;
  const now = dependencies.now ? { now: dependencies.now } : {};
  const tools: AgentTool[] = [
    createSearchBooksTool(library),
    createAskBooksTool(library),
    createRemoveBookTool(library),
    createSpeakTool({ vocal, audioFolder: dependencies.audioFolder, ...now }),
    createTranscribeTool({ vocal, audioFolder: dependencies.audioFolder }),
    createRememberTool(dependencies.memory),
    createRecallTool(dependencies.memory),
    createForgetTool(dependencies.memory),
    createSummarizeTool({
      model: dependencies.model,
      ...(modelTimeoutMs !== undefined ? { timeoutMs: modelTimeoutMs } : {}),
    }),
    createCurrentTimeTool(now),
  ];
  if (dependencies.composeURL) {
    tools.push(
      createComposeTool(
        createComposeClient({
          url: dependencies.composeURL,
          ...(modelTimeoutMs !== undefined ? { timeoutMs: modelTimeoutMs } : {}),
          ...shared,
        }),
      ),
    );
  }
  if (dependencies.searxngURL) {
    const fetcher = dependencies.fetch;
    tools.push(
      createWebSearchTool({
        search: createSearxngSearch({
          url: dependencies.searxngURL,
          ...(timeoutMs !== undefined ? { timeoutMs } : {}),
          ...shared,
        }),
        // Page addresses come from strangers: hosts on loopback or the user's network are refused.
        readPage: (url, { signal }) =>
          fetchWebPage(url, {
            timeoutMs: dependencies.webPageTimeoutMs ?? 10_000,
            maxBytes: dependencies.webPageMaxBytes ?? 1024 * 1024,
            signal,
            ...(fetcher ? { fetch: fetcher } : {}),
          }),
      }),
    );
  }
  if (dependencies.homeAssistant) {
    const client = createHomeAssistantClient({
      url: dependencies.homeAssistant.url,
      token: dependencies.homeAssistant.token,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...shared,
    });
    tools.push(createHomeAssistantStatesTool(client), createHomeAssistantCallTool(client));
  }
  return tools;
}
