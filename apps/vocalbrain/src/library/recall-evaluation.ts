import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { TrackLibrary } from './track.js';

// The library's recall target (issue 14): 30 tracks, 60 descriptions written for them, recall@3 on
// the half that was not used for tuning. The set is data (apps/vocalbrain/eval/library-recall-set.json).

const recallSetSchema = z.object({
  tracks: z
    .array(
      z.object({
        name: z.string().min(1),
        description: z.string().min(1),
        tags: z.array(z.string()),
        /** A short melody (Hz) the clip is synthesised from: the audio is real, its description is ours. */
        notes: z.array(z.number().positive()).min(1),
      }),
    )
    .min(1),
  queries: z
    .array(
      z.object({
        track: z.string().min(1),
        language: z.enum(['en', 'fr']),
        text: z.string().min(1),
        split: z.enum(['tuning', 'reported']),
      }),
    )
    .min(1),
});

export type RecallSet = z.infer<typeof recallSetSchema>;
export type RecallSplit = RecallSet['queries'][number]['split'];

export const recallSetPath = new URL('../../eval/library-recall-set.json', import.meta.url);

export function readRecallSet(path: string | URL = recallSetPath): RecallSet {
  const set = recallSetSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  const names = new Set(set.tracks.map((track) => track.name));
  const unknown = set.queries.find((query) => !names.has(query.track));
  if (unknown) throw new Error(`the recall set's query "${unknown.text}" names no track (${unknown.track})`);
  return set;
}

export interface RecallFigures {
  split: RecallSplit;
  k: number;
  queries: number;
  /** Fraction of queries whose track is within the first k (CONTRACTS.md's recall@k). */
  recall: number;
  /** Mean of 1/rank of the track within 10 (0 when absent). */
  mrr: number;
  byLanguage: Record<'en' | 'fr', { queries: number; recall: number }>;
  mode: string;
  embedder: string | null;
  /** The queries whose track was not within k, with the rank it had (null: not in the first 10). */
  misses: { text: string; track: string; rank: number | null }[];
}

/** Searches the library with every query of one split; `trackIds` maps the set's names to ids. */
export async function measureRecall(
  library: TrackLibrary,
  set: RecallSet,
  trackIds: ReadonlyMap<string, number>,
  options: { split: RecallSplit; k?: number },
): Promise<RecallFigures> {
  const k = options.k ?? 3;
  const queries = set.queries.filter((query) => query.split === options.split);
  let hits = 0;
  let reciprocal = 0;
  let mode = 'lexical';
  let embedder: string | null = null;
  const languages = { en: { queries: 0, hits: 0 }, fr: { queries: 0, hits: 0 } };
  const misses: RecallFigures['misses'] = [];
  for (const query of queries) {
    const answer = await library.find(query.text, { limit: 10 });
    mode = answer.mode;
    embedder = answer.embedder;
    const wanted = trackIds.get(query.track);
    const position = answer.tracks.findIndex((track) => track.id === wanted);
    const rank = position < 0 ? null : position + 1;
    languages[query.language].queries++;
    if (rank !== null && rank <= k) {
      hits++;
      languages[query.language].hits++;
    } else {
      misses.push({ text: query.text, track: query.track, rank });
    }
    reciprocal += rank === null ? 0 : 1 / rank;
  }
  const ratio = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);
  return {
    split: options.split,
    k,
    queries: queries.length,
    recall: ratio(hits, queries.length),
    mrr: ratio(reciprocal, queries.length),
    byLanguage: {
      en: { queries: languages.en.queries, recall: ratio(languages.en.hits, languages.en.queries) },
      fr: { queries: languages.fr.queries, recall: ratio(languages.fr.hits, languages.fr.queries) },
    },
    mode,
    embedder,
    misses,
  };
}
