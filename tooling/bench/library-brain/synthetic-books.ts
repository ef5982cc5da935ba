// Synthetic books for the scale benchmark: text from a seeded generator over a made-up vocabulary
// whose word frequencies follow Zipf's law (as a language's do), so that BM25 meets common and rare
// words as in real books. The same seed gives the same library, book by book, on any machine.
import type { SourceDocument } from '../../../packages/memory/src/index.js';

/** mulberry32: a small, fast, seeded generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const syllables = (
  'ba be bi bo bu da de di do du fa fe fi fo ga ge go ka ke ki ko la le li lo lu ma me mi mo mu ' +
  'na ne ni no nu pa pe pi po ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo za zo ' +
  'bar ber dor fen gal hin kor lam mer nor pol ran sel tor ven wil ash eth ion ost und'
).split(' ');

export interface SyntheticLibraryOptions {
  seed: number;
  /** Distinct words (default 20,000). */
  vocabularySize?: number;
  /** Paragraphs per book: each becomes about one passage (default 170). */
  paragraphsPerBook?: number;
  /** Words per paragraph, about (default 150). */
  wordsPerParagraph?: number;
}

export interface SyntheticLibrary {
  /** Book `index` (0-based): the same text for the same seed and index. */
  book(index: number): SourceDocument;
  /** A few rare words of one paragraph of book `index`, for a query that has an answer there. */
  queryWords(index: number, random: () => number): string[];
  vocabulary: readonly string[];
}

export function createSyntheticLibrary(options: SyntheticLibraryOptions): SyntheticLibrary {
  const vocabularySize = options.vocabularySize ?? 20_000;
  const paragraphsPerBook = options.paragraphsPerBook ?? 170;
  const wordsPerParagraph = options.wordsPerParagraph ?? 150;
  const random = seededRandom(options.seed);

  const words = new Set<string>();
  while (words.size < vocabularySize) {
    const count = 2 + Math.floor(random() * 3);
    let word = '';
    for (let index = 0; index < count; index++) word += syllables[Math.floor(random() * syllables.length)];
    words.add(word);
  }
  const vocabulary = [...words];

  // Zipf: the word of rank r is drawn with a probability ∝ 1 / r. A table of 2^20 draws, each word
  // present in proportion, makes a draw one array read.
  const tableSize = 1 << 20;
  const table = new Uint32Array(tableSize);
  let harmonic = 0;
  for (let rank = 1; rank <= vocabularySize; rank++) harmonic += 1 / rank;
  let filled = 0;
  for (let rank = 1; rank <= vocabularySize && filled < tableSize; rank++) {
    const share = Math.max(1, Math.round(tableSize / (rank * harmonic)));
    table.fill(rank - 1, filled, Math.min(tableSize, filled + share));
    filled += share;
  }
  // Rounding leaves the table's end to the rarest words, one slot each.
  for (let slot = filled, rank = 0; slot < tableSize; slot++, rank++) {
    table[slot] = (vocabularySize - 1 - (rank % 1000)) >>> 0;
  }
  const drawWord = (draw: () => number) =>
    vocabulary[table[Math.floor(draw() * tableSize)] as number] as string;

  const firstNames = Array.from({ length: 60 }, (_, index) => capitalize(vocabulary[500 + index] as string));
  const lastNames = Array.from({ length: 40 }, (_, index) => capitalize(vocabulary[700 + index] as string));
  // Some authors carry accents, as French names do: the book list's search folds them.
  const accented = (name: string, index: number) => (index % 5 === 0 ? name.replace('e', 'é') : name);

  function paragraph(draw: () => number): string {
    const sentences: string[] = [];
    let count = 0;
    while (count < wordsPerParagraph) {
      const length = 6 + Math.floor(draw() * 14);
      const sentence = Array.from({ length }, () => drawWord(draw));
      sentence[0] = capitalize(sentence[0] as string);
      sentences.push(`${sentence.join(' ')}.`);
      count += length;
    }
    return sentences.join(' ');
  }

  function paragraphRandom(index: number, paragraphIndex: number) {
    return seededRandom((options.seed * 1_000_003 + index * 4_099 + paragraphIndex) >>> 0);
  }

  let rankOf: Map<string, number> | null = null;
  return {
    vocabulary,
    book(index) {
      const draw = seededRandom((options.seed * 7_919 + index) >>> 0);
      const first = firstNames[Math.floor(draw() * firstNames.length)] as string;
      const last = lastNames[Math.floor(draw() * lastNames.length)] as string;
      const author = accented(`${first} ${last}`, index);
      const title = `${capitalize(drawWord(draw))} ${drawWord(draw)} ${drawWord(draw)} (volume ${index + 1})`;
      const paragraphs: string[] = [];
      for (let paragraphIndex = 0; paragraphIndex < paragraphsPerBook; paragraphIndex++) {
        paragraphs.push(paragraph(paragraphRandom(index, paragraphIndex)));
      }
      return {
        uri: `synthetic://book/${String(index + 1).padStart(5, '0')}`,
        title,
        format: 'txt',
        text: paragraphs.join('\n\n'),
        metadata: { author },
      };
    },
    queryWords(index, draw) {
      const paragraphIndex = Math.floor(draw() * paragraphsPerBook);
      const text = paragraph(paragraphRandom(index, paragraphIndex)).toLowerCase();
      rankOf ??= new Map(vocabulary.map((word, position) => [word, position]));
      const rank = rankOf;
      // Words past the 300 commonest: what a person asking about a passage would name.
      const rare = [...new Set(text.split(/[^a-z]+/))].filter((word) => (rank.get(word) ?? 0) >= 300);
      const picked: string[] = [];
      while (picked.length < 3 && rare.length > 0) {
        picked.push(rare.splice(Math.floor(draw() * rare.length), 1)[0] as string);
      }
      return picked;
    },
  };
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
