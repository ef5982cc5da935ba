// The real-model tests' chat model: the gateway's command (a real process) serving Gemma 3 270M on its
// embedded worker, and Library Brain's configuration to reach it.
import {
  freePort,
  type GatewayProcess,
  gemmaEmbeddedWorkerEntry,
  type ProcessReaper,
  startGatewayProcess,
} from '@klody/test-helpers';
import { type LibraryBrainConfig, readConfig } from '../../src/config/config.js';

/**
 * A 2,048-token context holds the prompt budget of `gemmaLibraryConfig` (1,000 estimated tokens,
 * ~1,300 Gemma tokens at worst) and the answer.
 */
export async function startGemmaGateway(reaper: ProcessReaper, home: string): Promise<GatewayProcess> {
  return startGatewayProcess(reaper, {
    home,
    budgetGb: 4,
    workers: [gemmaEmbeddedWorkerEntry(await freePort(), { contextSize: 2048 })],
  });
}

/** Library Brain on `home`, answering with the gateway's `brain` in budgets Gemma's context holds. */
export function gemmaLibraryConfig(
  home: string,
  gatewayURL: string,
  options: { answerTokens?: number } = {},
): LibraryBrainConfig {
  return readConfig({
    KLODY_HOME: home,
    KLODY_GATEWAY_URL: gatewayURL,
    KLODY_CHAT_MODEL: 'brain',
    // Small enough to be quick on 2 cores and to fit the 2,048-token context with the answer.
    KLODY_LIBRARY_BRAIN_ANSWER_TOKENS: String(options.answerTokens ?? 96),
    KLODY_LIBRARY_BRAIN_PROMPT_TOKENS: '1000',
    // The model loads on the first question; a loaded CI machine reads a prompt slowly.
    KLODY_LIBRARY_BRAIN_GATEWAY_TIMEOUT: '180',
  });
}
