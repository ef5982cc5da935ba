// A chapter's summary: map-reduce with the chat model (a cited summary per group of passages, then
// one combined), or its key sentences, cited, without one. Every [n] is checked against the
// passages it names before it is kept; what fails the check is replaced by key sentences.
import {
  analyse,
  type ChatMessage,
  createCitationScorer,
  echoesInstructions,
  estimateTokens,
  type Generator,
  MemoryError,
  type NumberedPassage,
} from '@klody/memory';

export type SummaryLanguage = 'en' | 'fr';

export interface SummaryProgress {
  stage: 'summarising' | 'combining';
  done: number;
  total: number;
}

/** Why part of a summary is key sentences instead of the chat model's text. */
export interface SummaryFallback {
  code: 'gateway_error' | 'uncited_answer' | 'invalid_citation' | 'echoed_prompt';
  message: string;
  /** The generator's error, for a `gateway_error`. */
  error: MemoryError | null;
}

export interface Summary {
  /** The text with its [n] markers, numbered as `passages` are (the chapter's passages, from 1). */
  text: string;
  /** The passage numbers the text cites. */
  cited: number[];
  /** Groups of passages summarised by the chat model, of all groups (0 of n without a model). */
  generated: number;
  groups: number;
  /** The first failure, when some group or the combination fell back to key sentences. */
  fallback: SummaryFallback | null;
}

export interface SummariseOptions {
  /** The chapter's passages, numbered from 1 in reading order. */
  passages: readonly NumberedPassage[];
  language: SummaryLanguage;
  book: string;
  chapter: string;
  /** What `chapter` names, in the prompt's header (default "Chapter" / « Chapitre »). */
  chapterLabel?: string;
  generator: Generator | null;
  /** Tokens a prompt may hold (the passages and the instructions). */
  promptTokens: number;
  /** Tokens a summary may take. */
  answerTokens: number;
  signal?: AbortSignal;
  onProgress?: (progress: SummaryProgress) => void;
}

const citationGroup = /\[(\d+(?:\s*[,;]\s*\d+)*)\]/g;

/** Every [n] in a text, in order of first appearance. */
export function citedNumbers(text: string): number[] {
  const numbers: number[] = [];
  for (const match of text.matchAll(citationGroup))
    for (const part of (match[1] as string).split(/[,;]/)) {
      const number = Number(part.trim());
      if (!numbers.includes(number)) numbers.push(number);
    }
  return numbers;
}

/** The text with each [n] replaced by [renumber(n)]. */
export function renumberCitations(text: string, renumber: (number: number) => number): string {
  return text.replace(
    citationGroup,
    (_, group: string) =>
      `[${group
        .split(/[,;]/)
        .map((part) => renumber(Number(part.trim())))
        .join(', ')}]`,
  );
}

/** Consecutive groups of passages, each within `budget` estimated tokens (a longer passage alone). */
export function groupPassages(passages: readonly NumberedPassage[], budget: number): NumberedPassage[][] {
  const groups: NumberedPassage[][] = [];
  let current: NumberedPassage[] = [];
  let used = 0;
  for (const passage of passages) {
    const cost = estimateTokens(passage.chunk.text) + 4;
    if (current.length > 0 && used + cost > budget) {
      groups.push(current);
      current = [];
      used = 0;
    }
    current.push(passage);
    used += cost;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

interface Sentence {
  number: number;
  text: string;
  start: number;
  score: number;
}

/**
 * The chapter's key sentences, cited: the sentences whose words the chapter uses most, one from
 * each stretch of the passages so that the summary follows the chapter from start to end.
 */
export function keySentences(
  passages: readonly NumberedPassage[],
  language: SummaryLanguage,
  count: number,
): { text: string; cited: number[] } {
  const segmenter = new Intl.Segmenter(language, { granularity: 'sentence' });
  const frequency = new Map<string, number>();
  for (const passage of passages)
    for (const term of analyse(passage.chunk.text, { language }))
      frequency.set(term, (frequency.get(term) ?? 0) + 1);
  const seen = new Set<string>();
  const sentencesByPassage = passages.map((passage) => {
    const sentences: Sentence[] = [];
    // Hard-wrapped lines (Project Gutenberg) are read as spaces, as the extractive answer does.
    const unwrapped = passage.chunk.text.replace(/(?<!\n)\n(?!\n)/g, ' ');
    for (const segment of segmenter.segment(unwrapped)) {
      const text = segment.segment.trim().replace(/\s+/g, ' ');
      // Consecutive passages overlap: a sentence is said once.
      if (text.length < 40 || text.length > 400 || seen.has(text)) continue;
      seen.add(text);
      const terms = [...new Set(analyse(text, { language }))];
      if (terms.length < 4) continue;
      const weight = terms.reduce((sum, term) => sum + Math.log(1 + (frequency.get(term) ?? 0)), 0);
      sentences.push({
        number: passage.number,
        text,
        start: segment.index,
        score: weight / Math.sqrt(terms.length),
      });
    }
    return sentences;
  });
  const chosen: Sentence[] = [];
  const stretches = Math.min(count, passages.length);
  for (let stretch = 0; stretch < stretches; stretch++) {
    const from = Math.floor((stretch * passages.length) / stretches);
    const to = Math.floor(((stretch + 1) * passages.length) / stretches);
    const best = sentencesByPassage
      .slice(from, to)
      .flat()
      .sort((left, right) => right.score - left.score)[0];
    if (best) chosen.push(best);
  }
  chosen.sort((left, right) => left.number - right.number || left.start - right.start);
  const withoutBookMarkers = (text: string) => text.replace(/\s*\[\d+(?:\s*[,;]\s*\d+)*\]/g, '');
  return {
    text: chosen.map((sentence) => `${withoutBookMarkers(sentence.text)} [${sentence.number}]`).join(' '),
    cited: [...new Set(chosen.map((sentence) => sentence.number))],
  };
}

const instructions = {
  en: {
    map: [
      'You summarise numbered passages of a book, using only what they say.',
      'Write two to four sentences in English.',
      'End every sentence with the numbers of the passages it comes from, in square brackets.',
    ],
    reduce: [
      'You combine partial summaries of a book chapter into one summary, using only what they say.',
      'Write four to six sentences in English.',
      'Keep the numbers in square brackets exactly as they are, after the facts they support.',
    ],
    book: 'Book',
    chapter: 'Chapter',
    mapEnd: 'Summary of these passages, with the passage numbers:',
    partials: 'Partial summaries:',
    reduceEnd: 'Combined summary, with the numbers in square brackets:',
  },
  fr: {
    map: [
      "Tu résumes des passages numérotés d'un livre, en n'utilisant que ce qu'ils disent.",
      'Écris deux à quatre phrases en français.',
      'Termine chaque phrase par les numéros des passages dont elle vient, entre crochets.',
    ],
    reduce: [
      "Tu réunis des résumés partiels d'un chapitre de livre en un seul résumé, en n'utilisant que ce qu'ils disent.",
      'Écris quatre à six phrases en français.',
      "Garde les numéros entre crochets tels qu'ils sont, après les faits qu'ils appuient.",
    ],
    book: 'Livre',
    chapter: 'Chapitre',
    mapEnd: 'Résumé de ces passages, avec les numéros des passages :',
    partials: 'Résumés partiels :',
    reduceEnd: 'Résumé réuni, avec les numéros entre crochets :',
  },
} as const;

type Checked = { text: string } | { fallback: SummaryFallback };

/** Characters a summary may hold after its last citation ("… and so on."). */
const maximumUncitedTail = 40;

/** The generator's text, when it cites only the passages it was given and repeats no instruction. */
async function generateChecked(
  generator: Generator,
  messages: ChatMessage[],
  passages: readonly NumberedPassage[],
  options: { maxTokens: number; signal?: AbortSignal },
): Promise<Checked> {
  let text: string;
  try {
    text = (
      await generator.generate(messages, { maxTokens: options.maxTokens, signal: options.signal })
    ).trim();
  } catch (error) {
    if (options.signal?.aborted || (MemoryError.isInstance(error) && error.code === 'aborted')) throw error;
    const failure = MemoryError.isInstance(error)
      ? error
      : new MemoryError('generator_failed', error instanceof Error ? error.message : String(error), {
          cause: error,
        });
    return { fallback: { code: 'gateway_error', message: failure.message, error: failure } };
  }
  // "[2]" alone on a line opens a passage in the prompt: a model writing one is copying the prompt's
  // layout (passages it half-remembers), not summarising.
  if (echoesInstructions(text, messages))
    return {
      fallback: {
        code: 'echoed_prompt',
        message: 'it repeated its instructions instead of summarising',
        error: null,
      },
    };
  if (/^\s*\[\d+\]\s*$/m.test(text))
    return {
      fallback: {
        code: 'echoed_prompt',
        message: "it copied the prompt's numbered passages instead of summarising",
        error: null,
      },
    };
  const score = createCitationScorer().score(text, passages);
  if (score.invalidCitations.length > 0 || score.unsupportedQuotes.length > 0)
    return {
      fallback: {
        code: 'invalid_citation',
        message: [
          ...score.invalidCitations.map((number) => `[${number}] names no passage it was given`),
          ...score.unsupportedQuotes.map(
            (quote) => `the quote "${quote.slice(0, 60)}" is in none of the passages`,
          ),
        ].join('; '),
        error: null,
      },
    };
  if (score.citations.length === 0)
    return { fallback: { code: 'uncited_answer', message: 'it cited none of the passages', error: null } };
  // Every statement cited: what follows the last citation (an answer cut by the token limit, say)
  // may be a few words, not a sentence of its own.
  const afterLastCitation = text.slice(text.lastIndexOf(']') + 1).trim();
  if (afterLastCitation.length > maximumUncitedTail)
    return {
      fallback: {
        code: 'uncited_answer',
        message: `its last words cite nothing ("${afterLastCitation.slice(0, 60)}…")`,
        error: null,
      },
    };
  return { text };
}

const block = (passage: NumberedPassage) => `[${passage.number}]\n${passage.chunk.text}`;

/**
 * A chapter's summary. With a generator: each group of passages that fits the prompt is summarised
 * (map), the group summaries are combined (reduce, again in groups while they do not fit); a group
 * whose summary fails the citation check is given its key sentences instead, and a generator that
 * fails is not asked again for this summary. Without one: the chapter's key sentences.
 */
export async function summariseChapter(options: SummariseOptions): Promise<Summary> {
  const { passages, language, generator, signal } = options;
  const words = instructions[language];
  const header = `${words.book}: ${options.book}\n${options.chapterLabel ?? words.chapter}: ${options.chapter}`;
  const overhead = estimateTokens(`${words.map.join('\n')}\n${header}\n${words.mapEnd}`) + 16;
  const groups = groupPassages(passages, Math.max(200, options.promptTokens - overhead));
  if (!generator) {
    const key = keySentences(passages, language, Math.min(8, Math.max(3, groups.length * 2)));
    return { text: key.text, cited: key.cited, generated: 0, groups: groups.length, fallback: null };
  }
  let usable: Generator | null = generator;
  let fallback: SummaryFallback | null = null;
  let generated = 0;
  const partials: string[] = [];
  for (const [index, group] of groups.entries()) {
    options.onProgress?.({ stage: 'summarising', done: index, total: groups.length });
    // The model sees its group numbered from 1: small models cite small numbers more reliably.
    const local = group.map((passage, position) => ({ ...passage, number: position + 1 }));
    const messages: ChatMessage[] = [
      { role: 'system', content: words.map.join('\n') },
      { role: 'user', content: `${header}\n\n${local.map(block).join('\n\n')}\n\n${words.mapEnd}` },
    ];
    const result = usable
      ? await generateChecked(usable, messages, local, { maxTokens: options.answerTokens, signal })
      : null;
    if (result && 'text' in result) {
      const first = (group[0] as NumberedPassage).number;
      partials.push(renumberCitations(result.text, (number) => number + first - 1));
      generated++;
      continue;
    }
    if (result) {
      fallback ??= result.fallback;
      if (result.fallback.code === 'gateway_error') usable = null;
    }
    partials.push(keySentences(group, language, 2).text);
  }
  options.onProgress?.({ stage: 'summarising', done: groups.length, total: groups.length });
  const cited = (text: string) => passages.filter((passage) => citedNumbers(text).includes(passage.number));
  let current = partials;
  let round = 0;
  while (current.length > 1) {
    if (!usable || generated === 0) break;
    round++;
    const reduceOverhead = estimateTokens(`${words.reduce.join('\n')}\n${header}\n${words.reduceEnd}`) + 16;
    const batches: string[][] = [];
    let batch: string[] = [];
    let used = 0;
    for (const partial of current) {
      const cost = estimateTokens(partial) + 4;
      if (batch.length > 0 && used + cost > options.promptTokens - reduceOverhead) {
        batches.push(batch);
        batch = [];
        used = 0;
      }
      batch.push(partial);
      used += cost;
    }
    batches.push(batch);
    // Nothing to gain from a round that cannot combine anything.
    if (batches.every((entry) => entry.length === 1)) break;
    const next: string[] = [];
    for (const [index, entry] of batches.entries()) {
      options.onProgress?.({ stage: 'combining', done: index, total: batches.length });
      if (entry.length === 1 || !usable) {
        next.push(...entry);
        continue;
      }
      const messages: ChatMessage[] = [
        { role: 'system', content: words.reduce.join('\n') },
        {
          role: 'user',
          content: `${header}\n\n${words.partials}\n${entry.map((partial) => `- ${partial}`).join('\n')}\n\n${words.reduceEnd}`,
        },
      ];
      const result = await generateChecked(usable, messages, cited(entry.join(' ')), {
        maxTokens: options.answerTokens,
        signal,
      });
      if ('text' in result) {
        next.push(result.text);
        continue;
      }
      fallback ??= result.fallback;
      if (result.fallback.code === 'gateway_error') usable = null;
      // The partial summaries, each already checked, stand together.
      next.push(entry.join(' '));
    }
    options.onProgress?.({ stage: 'combining', done: batches.length, total: batches.length });
    current = next;
    if (round > 8) break;
  }
  const text = current.join('\n\n');
  return { text, cited: citedNumbers(text), generated, groups: groups.length, fallback };
}
