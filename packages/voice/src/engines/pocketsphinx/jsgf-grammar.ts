import { VoiceError } from '../../errors/index.js';

/** A phrase reduced to the words a recogniser's dictionary holds: lower case, punctuation out. */
export function phraseWords(phrase: string): string[] {
  return phrase
    .normalize('NFC')
    .toLowerCase()
    .replaceAll('’', "'")
    .replace(/[^\p{L}\p{N}'\s-]/gu, ' ')
    .replaceAll('-', ' ')
    .split(/\s+/u)
    .map((word) => word.replace(/^'+|'+$/g, ''))
    .filter((word) => word.length > 0);
}

/**
 * A JSGF grammar that accepts exactly one of `phrases` per utterance. Words missing from the
 * dictionary (`knownWord`) are refused up front with their names, since pocketsphinx would
 * otherwise fail with a log line nobody reads. Digits must be spelled out for the same reason.
 */
export function buildJsgfGrammar(phrases: readonly string[], knownWord: (word: string) => boolean): string {
  const alternatives = new Set<string>();
  const unknown = new Set<string>();
  for (const phrase of phrases) {
    const words = phraseWords(phrase);
    if (words.length === 0) continue;
    for (const word of words) if (!knownWord(word)) unknown.add(word);
    alternatives.add(words.join(' '));
  }
  if (alternatives.size === 0) {
    throw new VoiceError('invalid_phrases', 'the list of expected phrases is empty (no phrase holds a word)');
  }
  if (unknown.size > 0) {
    const list = [...unknown].slice(0, 20).join(', ');
    const digits = [...unknown].some((word) => /\p{N}/u.test(word)) ? ' (spell numbers out in words)' : '';
    throw new VoiceError(
      'invalid_phrases',
      `these words are not in the recogniser's dictionary: ${list}${digits}`,
      {
        details: { unknownWords: [...unknown] },
      },
    );
  }
  // JSGF reserves a few characters; dictionary words never contain them, but quote-proof anyway.
  const body = [...alternatives]
    .map((alternative) => alternative.replace(/[;|<>=*+()[\]{}"\\/]/g, ''))
    .join('\n  | ');
  return `#JSGF V1.0;\ngrammar phrases;\npublic <phrase> =\n  ${body}\n  ;\n`;
}
