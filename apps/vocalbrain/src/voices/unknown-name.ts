import { ServiceError } from '@klody/service';
import { installHints } from '../engines/engine-set.js';
import { nearMatches } from './near-matches.js';

/** How to install what a name seems to ask for (a Piper voice, a Whisper model, espeak-ng…). */
export function installHintFor(name: string): string {
  const lower = name.toLowerCase();
  if (lower.includes('piper') || /^[a-z]{2}_[a-z]{2}-/i.test(name)) {
    return `Piper voices come from the models folder: ${installHints.piper}`;
  }
  if (lower.includes('whisper')) return `Whisper: ${installHints.whisper}`;
  if (lower.includes('espeak')) return `espeak-ng: ${installHints.espeak}`;
  if (lower.includes('sphinx')) return `pocketsphinx: ${installHints.pocketsphinx}`;
  if (lower.startsWith('openai:')) return `gateway aliases: ${installHints.gateway}`;
  return `to add engines: ${installHints.piper}; ${installHints.espeak}; or a profile (POST /api/profiles)`;
}

/**
 * The 404 for an unknown model or voice: names it, lists the nearest known names (edit distance),
 * and says how to install what may be missing. `near_matches` is also a field of the error object.
 */
export function unknownNameError(
  kind: 'model' | 'voice',
  name: string,
  known: readonly string[],
  context = '',
): ServiceError {
  const near = nearMatches(name, known);
  const suggestion = near.length > 0 ? `did you mean ${near.map((entry) => `"${entry}"`).join(', ')}? ` : '';
  const listed = known.length > 0 && known.length <= 12 ? `known: ${known.join(', ')}. ` : '';
  return new ServiceError(
    kind === 'model' ? 'unknown_model' : 'unknown_voice',
    404,
    `no ${kind} "${name}"${context} here. ${suggestion}${listed}${installHintFor(name)}`,
    { fields: { param: kind, near_matches: near.join(', ') } },
  );
}
