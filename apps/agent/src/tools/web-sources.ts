import type { StepRecord } from '../agent/agent-events.js';
import type { UserLanguage } from '../loop/stop-questions.js';

export const webSearchToolName = 'web_search';

/**
 * The web addresses a turn's answer may draw on: the `<url>` lines of its web_search calls that ran
 * (the tool writes every source on such a line, and nothing else there). Read from the stored
 * output, so a turn continued after an approval or a restart still knows.
 */
export function webSourcesOf(steps: readonly StepRecord[]): string[] {
  const urls = new Set<string>();
  for (const step of steps) {
    if (step.tool !== webSearchToolName || step.status !== 'done' || !step.output) continue;
    for (const match of step.output.matchAll(/^<(https?:\/\/[^\s<>]+)>$/gm)) {
      if (match[1]) urls.add(match[1]);
    }
  }
  return [...urls];
}

/** The line an answer that used the web ends with, in the user's language. */
export function webSourcesLine(language: UserLanguage, urls: readonly string[]): string {
  return language === 'fr'
    ? `Sources venant du web (non vérifiées) : ${urls.join(', ')}`
    : `Sources from the web (unverified): ${urls.join(', ')}`;
}
