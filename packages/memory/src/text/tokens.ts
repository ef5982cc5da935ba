/**
 * A model-free token estimate: words count about 1.3 sub-word tokens each in BPE vocabularies,
 * punctuation one each. Budgets only need to be right within ~20 %, and this costs no tokenizer.
 * A single pass over character codes: it runs on every paragraph and chunk at ingestion.
 */
export function estimateTokens(text: string): number {
  let words = 0;
  let marks = 0;
  let inWord = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 32 || code === 10 || code === 9 || code === 13 || code === 0xa0) {
      inWord = false;
    } else if (isWordCharacter(code)) {
      if (!inWord) words++;
      inWord = true;
    } else {
      marks++;
      inWord = false;
    }
  }
  return Math.ceil(words * 1.3 + marks);
}

function isWordCharacter(code: number): boolean {
  // ASCII letters and digits, and everything beyond Latin-1 punctuation (accented letters, other
  // scripts; surrogate halves count as part of a word).
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    (code >= 0xc0 &&
      code !== 0xd7 &&
      code !== 0xf7 &&
      !(code >= 0x2000 && code <= 0x206f) &&
      !(code >= 0x3000 && code <= 0x303f))
  );
}
