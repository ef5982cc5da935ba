// A book's main characters without a model: the capitalised names it mentions most. Pure.
import { stopWords } from '@klody/memory';

export interface NamedCharacter {
  name: string;
  /** How many times the name is written in the book, capitalised inside a sentence. */
  mentions: number;
}

// Titles name someone without being the name; capitalised words that are not names at all.
const notNames = new Set([
  'mr',
  'mrs',
  'miss',
  'ms',
  'sir',
  'lady',
  'lord',
  'dr',
  'doctor',
  'captain',
  'colonel',
  'king',
  'queen',
  'prince',
  'princess',
  'aunt',
  'uncle',
  'monsieur',
  'madame',
  'mademoiselle',
  'mme',
  'mlle',
  'm',
  'messieurs',
  'capitaine',
  'docteur',
  'roi',
  'reine',
  'baron',
  'baronne',
  'comte',
  'comtesse',
  'duc',
  'duchesse',
  'saint',
  'sainte',
  'st',
  'god',
  'dieu',
  'chapter',
  'chapitre',
  'oh',
  'ah',
  'eh',
  'yes',
  'no',
  'oui',
  'non',
  'english',
  'french',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'january',
  'february',
  'march',
  'april',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
]);

const word = /\p{L}[\p{L}'’-]*/gu;
// A capitalised word right after these starts a sentence: its capital says nothing.
const sentenceOpeners = /[.!?:;«»“”"—–-]|^$/;

const abbreviatedTitle = /(?:^|[^\p{L}])(?:Mr|Mrs|Ms|Dr|St|Mme|Mlle|M)$/u;

function isSentenceStart(text: string, index: number): boolean {
  let position = index - 1;
  while (position >= 0 && /[\s'‘’(*_[]/.test(text[position] as string)) {
    if (text[position] === '\n' && text[position - 1] === '\n') return true;
    position--;
  }
  if (position < 0) return true;
  // "Mr. Darcy": the full stop of a title does not end a sentence.
  if (text[position] === '.' && abbreviatedTitle.test(text.slice(Math.max(0, position - 4), position)))
    return false;
  return sentenceOpeners.test(text[position] as string);
}

/** "Alice’s" → "Alice", "d’Artagnan" → "Artagnan", "Jean-Paul" stays. */
function bareName(token: string): string {
  return token
    .replace(/^(?:[dlDL]|qu|Qu)['’](?=\p{Lu})/u, '')
    .replace(/['’](?:s|S)?$/, '')
    .replace(/-+$/, '');
}

/**
 * The `count` names mentioned most: capitalised words counted where they do not open a sentence,
 * among those the book hardly ever writes in lower case (a name, not a word), titles ("Mr",
 * "Madame") and stop words aside. Places and ships count too: a name is a name.
 */
export function mainCharacters(text: string, count = 8, minimumMentions = 5): NamedCharacter[] {
  const capitalised = new Map<string, number>();
  const lowerCase = new Map<string, number>();
  // Two capitalised words in a row ("Mock Turtle", "Phileas Fogg"): one name, when they go together.
  const pairs = new Map<string, number>();
  let previous: { name: string; end: number } | null = null;
  for (const match of text.matchAll(word)) {
    const index = match.index as number;
    const name = bareName(match[0]);
    const folded = name.toLowerCase();
    const first = name[0] as string;
    const last = previous;
    previous = null;
    // Contractions ("I'll") and single letters are not names.
    if (name.length < 2 || /['’]/.test(name)) continue;
    if (first === first.toLowerCase()) {
      lowerCase.set(folded, (lowerCase.get(folded) ?? 0) + 1);
      continue;
    }
    // ALL CAPITALS: headings and shouting, not names as written in the story.
    if (name === name.toUpperCase()) continue;
    previous = { name, end: index + match[0].length };
    if (last && last.end + 1 === index && text[last.end] === ' ' && name === match[0]) {
      const pair = `${last.name} ${name}`;
      pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
    }
    if (isSentenceStart(text, index)) continue;
    capitalised.set(name, (capitalised.get(name) ?? 0) + 1);
  }
  const candidates: NamedCharacter[] = [];
  for (const [name, mentions] of capitalised) {
    const folded = name.toLowerCase();
    if (mentions < minimumMentions) continue;
    if (notNames.has(folded) || stopWords.en.has(folded) || stopWords.fr.has(folded)) continue;
    // A word the book also writes in lower case now and then is a word ("Whale", "Land").
    if ((lowerCase.get(folded) ?? 0) > mentions * 0.1) continue;
    candidates.push({ name, mentions });
  }
  candidates.sort((left, right) => right.mentions - left.mentions || left.name.localeCompare(right.name));
  const chosen: NamedCharacter[] = [];
  const absorbed = new Set<string>();
  for (const candidate of candidates) {
    if (absorbed.has(candidate.name)) continue;
    let best: { pair: string; uses: number } | null = null;
    for (const [pair, uses] of pairs) {
      const [left, right] = pair.split(' ') as [string, string];
      if ((left === candidate.name || right === candidate.name) && uses >= candidate.mentions / 2)
        if (!best || uses > best.uses) best = { pair, uses };
    }
    if (best) for (const part of best.pair.split(' ')) absorbed.add(part);
    chosen.push(best ? { name: best.pair, mentions: candidate.mentions } : candidate);
    if (chosen.length === count) break;
  }
  return chosen;
}
