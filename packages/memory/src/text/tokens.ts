const wordOrMark = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;

/**
 * A model-free token estimate: words count about 1.3 sub-word tokens each in BPE vocabularies,
 * punctuation one each. Budgets only need to be right within ~20 %, and this costs no tokenizer.
 */
export function estimateTokens(text: string): number {
  let words = 0;
  let marks = 0;
  for (const match of text.matchAll(wordOrMark)) {
    if (match[0].length === 1 && !/[\p{L}\p{N}]/u.test(match[0])) marks++;
    else words++;
  }
  return Math.ceil(words * 1.3 + marks);
}
