// The recall set is what the issue asks for: 30 tracks, 60 descriptions (one English and one French
// per track), split in two halves that share no query, each with both languages.
import { describe, expect, it } from 'vitest';
import { readRecallSet } from '../src/library/recall-evaluation.js';

describe('the library recall set', () => {
  const set = readRecallSet();

  it('has 30 tracks and 60 descriptions, one English and one French per track', () => {
    expect(set.tracks).toHaveLength(30);
    expect(set.queries).toHaveLength(60);
    for (const track of set.tracks) {
      const queries = set.queries.filter((query) => query.track === track.name);
      expect(queries.map((query) => query.language).sort()).toEqual(['en', 'fr']);
    }
    expect(new Set(set.tracks.map((track) => track.name)).size).toBe(30);
  });

  it('splits them into a tuning and a reported half, one of each per track, both languages in each', () => {
    for (const split of ['tuning', 'reported'] as const) {
      const half = set.queries.filter((query) => query.split === split);
      expect(half).toHaveLength(30);
      expect(new Set(half.map((query) => query.track)).size).toBe(30);
      expect(half.filter((query) => query.language === 'fr')).toHaveLength(15);
    }
    const texts = set.queries.map((query) => query.text.toLowerCase());
    expect(new Set(texts).size).toBe(60);
    // No query is the stored description itself.
    for (const track of set.tracks) expect(texts).not.toContain(track.description.toLowerCase());
  });
});
