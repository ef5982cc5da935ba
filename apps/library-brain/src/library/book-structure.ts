// A book's parts and chapters, read from its stored text. The structural chunker records a heading
// per chunk, but only for standalone headings it knows: "I. The Period" (A Tale of Two Cities),
// "I" followed by its title on the next line (La Reine Margot) or "PREMIÈRE PARTIE" (Madame Bovary)
// are not among them, and tables of contents look like chapters to it. So the structure is read
// here from the text the chunks' offsets point into; pure.
import { chapterNumber, romanNumeral } from './whole-book-intent.js';

export interface BookPart {
  title: string;
  /** The part's number as written ("Book the Second" → 2), else its place in the book. */
  number: number;
  start: number;
  end: number;
}

export interface BookChapter {
  title: string;
  /** The number in its heading ("CHAPTER XII." → 12), or null when it has none (a Markdown heading). */
  number: number | null;
  /** Its place among the book's chapters, from 1. */
  ordinal: number;
  /** The number of the part it is in, or null for a book without parts. */
  part: number | null;
  /** The heading's offsets (its title line, and the subtitle below it when there is one). */
  headingStart: number;
  headingEnd: number;
  /** The whole chapter, heading included, up to the next heading. */
  start: number;
  end: number;
}

export interface BookStructure {
  parts: BookPart[];
  chapters: BookChapter[];
}

interface Paragraph {
  start: number;
  end: number;
  text: string;
}

interface Candidate {
  level: 'part' | 'chapter';
  /** How the heading is written: a book writes all its chapter headings one way. */
  style: 'markdown' | 'word' | 'bare' | 'numeral_title' | 'part';
  title: string;
  number: number | null;
  headingStart: number;
  headingEnd: number;
}

/** A chapter with less text than this before the next heading is an entry of a table of contents. */
const minimumChapterCharacters = 100;
/** A part holding no chapter is kept only when it holds at least this much text. */
const minimumPartCharacters = 2_000;

function paragraphsOf(text: string): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  const separator = /\n[ \t]*\n\s*/g;
  let position = 0;
  const push = (from: number, to: number) => {
    let start = from;
    let end = to;
    while (start < end && /\s/.test(text[start] as string)) start++;
    while (end > start && /\s/.test(text[end - 1] as string)) end--;
    if (start < end) paragraphs.push({ start, end, text: text.slice(start, end) });
  };
  for (let match = separator.exec(text); match; match = separator.exec(text)) {
    push(position, match.index);
    position = match.index + match[0].length;
  }
  push(position, text.length);
  return paragraphs;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
const isUpperCase = (text: string) => /\p{Lu}/u.test(text) && !/\p{Ll}/u.test(text);

const markdownHeading = /^(#{1,6})\s+(\S.*)$/;
const chapterWord = /^(?:chapter|chapitre)\s+([0-9]{1,4}|[ivxlcdm]+|[a-z]+(?:-[a-z]+)?)\b\.?\s*(.*)$/i;
const bareNumeral = /^([IVXLCDM]+)\.?$/i;
const numeralAndTitle = /^([IVXLC]+)\.\s+(\S.{0,78})$/;
const partWord = /^(?:book|part|volume|livre|partie|tome)\s+(?:the\s+)?([a-z0-9]+|[\p{L}]+)\b[^\n]{0,70}$/iu;
const ordinalPart =
  /^(first|second|third|fourth|fifth|premi[eè]re|deuxi[eè]me|seconde|troisi[eè]me|quatri[eè]me|cinqui[eè]me)\s+(?:part|book|partie|livre)\b[^\n]{0,60}$/iu;

/** Chapter numbers above this are years or page numbers ("MDCCCXXIX."), not chapters. */
const largestChapterNumber = 500;

function candidateOf(
  paragraph: Paragraph,
  next: Paragraph | undefined,
  withSubtitles: boolean,
): (Candidate & { subtitled: boolean | null }) | null {
  const lines = paragraph.text.split('\n').map((line) => line.trim());
  const first = lines[0] as string;
  const headingStart = paragraph.start + (paragraph.text.length - paragraph.text.trimStart().length);
  const single = lines.length === 1;
  // subtitled: null where the heading could not have one, else whether it has.
  const chapter = (
    style: Candidate['style'],
    title: string,
    number: number | null,
    headingEnd: number,
    subtitled: boolean | null = null,
  ) => ({
    level: 'chapter' as const,
    style,
    title: oneLine(title),
    number,
    headingStart,
    headingEnd,
    subtitled,
  });
  // A subtitle under a heading that is only a number ("CHAPITRE I." then "Comment Candide fut…").
  const subtitle = (accept: (text: string) => boolean): Paragraph | null =>
    withSubtitles &&
    next &&
    next.text.length <= 160 &&
    next.text.split('\n').length <= 3 &&
    accept(next.text) &&
    !candidateOf(next, undefined, false)
      ? next
      : null;

  const markdown = single ? markdownHeading.exec(first) : null;
  if (markdown) {
    const title = (markdown[2] as string).replace(/\s*#+$/, '');
    const numbered = chapterWord.exec(title);
    return chapter('markdown', title, numbered ? chapterNumber(numbered[1] as string) : null, paragraph.end);
  }
  const worded = chapterWord.exec(first);
  if (worded && lines.length <= 3 && paragraph.text.length <= 240) {
    const number = chapterNumber(worded[1] as string);
    if (number === null || number > largestChapterNumber) return null;
    if (!single || (worded[2] as string).trim())
      return chapter('word', paragraph.text, number, paragraph.end);
    const under = subtitle((text) => /^\p{Lu}/u.test(text));
    return under
      ? chapter('word', `${first} ${under.text}`, number, under.end, true)
      : chapter('word', first, number, paragraph.end, false);
  }
  const bare = bareNumeral.exec(first);
  if (bare && (single || (lines.length === 2 && (lines[1] as string).length <= 80))) {
    const number = romanNumeral(bare[1] as string);
    if (number === null || number > largestChapterNumber) return null;
    if (!single) return chapter('bare', `${first} ${lines[1]}`, number, paragraph.end);
    const under = subtitle(isUpperCase);
    return under
      ? chapter('bare', `${first} ${under.text}`, number, under.end, true)
      : chapter('bare', first, number, paragraph.end, false);
  }
  const titled = single ? numeralAndTitle.exec(first) : null;
  if (titled) return chapter('numeral_title', first, romanNumeral(titled[1] as string), paragraph.end);
  const part = single && first.length <= 80 ? (partWord.exec(first) ?? ordinalPart.exec(first)) : null;
  if (part)
    return {
      level: 'part',
      style: 'part',
      title: first,
      number: chapterNumber(part[1] as string),
      headingStart,
      headingEnd: paragraph.end,
      subtitled: null,
    };
  return null;
}

const visibleCharacters = (text: string, start: number, end: number) =>
  text.slice(start, end).replace(/\s+/g, '').length;

/**
 * The parts and chapters of a book's text (offsets into that text). Headings of a table of
 * contents are told from the real ones by the text under them: an entry has next to none.
 */
export function readBookStructure(text: string): BookStructure {
  const paragraphs = paragraphsOf(text);
  const read = (withSubtitles: boolean) => {
    const found: (Candidate & { subtitled: boolean | null })[] = [];
    for (let index = 0; index < paragraphs.length; index++) {
      const candidate = candidateOf(paragraphs[index] as Paragraph, paragraphs[index + 1], withSubtitles);
      if (!candidate) continue;
      found.push(candidate);
      // A subtitle read with its heading is not read again.
      while (
        index + 1 < paragraphs.length &&
        (paragraphs[index + 1] as Paragraph).end <= candidate.headingEnd
      )
        index++;
    }
    return found;
  };
  // A short paragraph under a bare "Chapter 1" is its subtitle in a book whose chapters have
  // subtitles (Candide), and its first sentence in one whose chapters have none (Pride and Prejudice).
  let candidates = read(true);
  const subtitled = candidates.filter((candidate) => candidate.subtitled === true).length;
  const couldBe = candidates.filter((candidate) => candidate.subtitled !== null).length;
  if (subtitled > 0 && subtitled < couldBe / 2) candidates = read(false);
  const nextStart = (index: number) => candidates[index + 1]?.headingStart ?? text.length;
  let keptChapters = candidates.filter(
    (candidate, index) =>
      candidate.level === 'chapter' &&
      visibleCharacters(text, candidate.headingEnd, nextStart(index)) >= minimumChapterCharacters,
  );
  const partCandidates = candidates.filter((candidate) => candidate.level === 'part');
  let keptParts = partCandidates.filter((part, index) => {
    const end = partCandidates[index + 1]?.headingStart ?? text.length;
    return (
      keptChapters.some(
        (chapter) => chapter.headingStart > part.headingStart && chapter.headingStart < end,
      ) || visibleCharacters(text, part.headingEnd, end) >= minimumPartCharacters
    );
  });
  // Numbered lines inside a chapter ("I. THE FOLIO WHALE" in Moby Dick's Cetology) are written
  // another way than the book's chapter headings: only the most frequent way is kept.
  const styleCounts = new Map<Candidate['style'], number>();
  for (const chapter of keptChapters)
    styleCounts.set(chapter.style, (styleCounts.get(chapter.style) ?? 0) + 1);
  const bookStyle = [...styleCounts].sort((left, right) => right[1] - left[1])[0]?.[0];
  keptChapters = keptChapters.filter((chapter) => chapter.style === bookStyle);
  // A table of contents' last entry has the front matter under it, and the numbers go back to the
  // first chapter right after it: when that number comes again later in the same part, the later
  // one is the real chapter.
  const partIndex = (position: number) => keptParts.filter((part) => part.headingStart <= position).length;
  keptChapters = keptChapters.filter((chapter, index) => {
    const next = keptChapters[index + 1];
    if (chapter.number === null || !next || next.number === null || next.number >= chapter.number)
      return true;
    return !keptChapters.some(
      (later, laterIndex) =>
        laterIndex > index &&
        later.number === chapter.number &&
        partIndex(later.headingStart) === partIndex(chapter.headingStart),
    );
  });
  // One part alone ("TOME XXXIII." above Candide, a volume's "PREMIÈRE PARTIE") divides nothing.
  if (keptParts.length < 2) keptParts = [];
  const parts: BookPart[] = keptParts.map((part, index) => ({
    title: part.title,
    number: part.number ?? index + 1,
    start: part.headingStart,
    end: keptParts[index + 1]?.headingStart ?? text.length,
  }));
  // Part numbers read from their titles must tell the parts apart; otherwise their places do.
  if (new Set(parts.map((part) => part.number)).size !== parts.length)
    parts.forEach((part, index) => {
      part.number = index + 1;
    });
  const boundaries = [
    ...keptChapters.map((chapter) => chapter.headingStart),
    ...parts.map((part) => part.start),
  ].sort((left, right) => left - right);
  const chapters: BookChapter[] = keptChapters.map((candidate, index) => ({
    title: candidate.title,
    number: candidate.number,
    ordinal: index + 1,
    part:
      parts.find((part) => part.start <= candidate.headingStart && candidate.headingStart < part.end)
        ?.number ?? null,
    headingStart: candidate.headingStart,
    headingEnd: candidate.headingEnd,
    start: candidate.headingStart,
    end: boundaries.find((boundary) => boundary > candidate.headingStart) ?? text.length,
  }));
  return { parts, chapters };
}

export type ChapterLookup = { found: BookChapter } | { ambiguous: BookChapter[] } | { missing: true };

/**
 * Chapter `number` (of `part` when given): by the number in the headings, or by place when the
 * headings carry none. Several chapters with that number (numbering that starts again in each
 * part) and no part named: ambiguous.
 */
export function findChapter(structure: BookStructure, number: number, part: number | null): ChapterLookup {
  const numbered = structure.chapters.some((chapter) => chapter.number !== null);
  let matches = structure.chapters.filter((chapter) =>
    numbered ? chapter.number === number : chapter.ordinal === number,
  );
  if (part !== null) matches = matches.filter((chapter) => chapter.part === part);
  if (matches.length === 1) return { found: matches[0] as BookChapter };
  if (matches.length > 1) return { ambiguous: matches };
  return { missing: true };
}
