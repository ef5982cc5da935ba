import { detectLanguage } from '@klody/memory';

/**
 * The language of a text to speak: the one given, else detected from its stop words (French or
 * English), else English assumed.
 */
export function requestLanguage(
  text: string,
  given: string | null | undefined,
): { language: string; source: 'given' | 'detected' | 'assumed' } {
  if (given && given.trim().length > 0) return { language: given.trim().toLowerCase(), source: 'given' };
  const detected = detectLanguage(text);
  if (detected) return { language: detected, source: 'detected' };
  return { language: 'en', source: 'assumed' };
}
