/**
 * Writes the percent sign as the word a transcript spells, before a word error rate: Whisper writes
 * "80%" where a person transcribing French writes "80 pourcent" (the shared recordings' spelling; the
 * dictionary's "pour cent" is folded into it too). Without this, the normaliser drops "%" as
 * punctuation and counts a correct recognition as a deleted word.
 *
 * Numbers are deliberately left alone: references and Whisper both use digits ("80"), and a
 * recogniser that writes "quatre-vingts" for "80" is counted wrong rather than guessed right.
 */
export function spellOutSymbols(text: string, language: string): string {
  const primary = language.toLowerCase().split(/[-_]/)[0];
  if (primary === 'fr') return text.replaceAll('%', ' pourcent ').replace(/\bpour\s+cent\b/giu, 'pourcent');
  if (primary === 'en') return text.replaceAll('%', ' percent ').replace(/\bper\s+cent\b/giu, 'percent');
  return text;
}
