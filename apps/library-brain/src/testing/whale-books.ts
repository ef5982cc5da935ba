// Three small books written for the filter and conversation tests, so that which book ranks first
// is known: "The Whale Almanac" says "whale" and "harpoon" many times in every paragraph (unfiltered,
// it ranks first), "Harbour Notes" names a whale once in some paragraphs, "Baleines et ports" is
// French. Real text files, ingested for real; not a fake of anything.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** About 250 words about one thing, different in each paragraph so that chunks differ. */
function paragraph(topic: string, index: number, opening = ''): string {
  const words = Array.from(
    { length: 60 },
    (_, position) =>
      `${topic} stands ${['near', 'beside', 'below', 'above'][position % 4]} the ${['wall', 'tower', 'bridge', 'gate', 'field'][(position + index) % 5]} number ${index * 100 + position}.`,
  );
  return `${opening} ${words.join(' ')}`.trim();
}

/** A book with a Gutenberg-like header (title, author); paragraphs separated by blank lines. */
function book(title: string, author: string, paragraphs: string[]): string {
  return `Title: ${title}\nAuthor: ${author}\n\n${paragraphs.join('\n\n')}\n`;
}

/** "Harbour Notes" by Mary Dock; `lastPage` changes its content (for an update). */
export function harbourNotes(lastPage = '', paragraphs = 12): string {
  return book('Harbour Notes', 'Mary Dock', [
    ...Array.from({ length: paragraphs }, (_, index) =>
      paragraph(
        'The crane',
        index,
        index % 2 === 0 ? `A whale was seen from pier ${index}, far from any harpoon.` : '',
      ),
    ),
    lastPage,
  ]);
}

export interface WhaleBooks {
  /** The folder holding them all. */
  folder: string;
  /** Its sub-folder holding the almanac only (for `ingest --shelf`). */
  seaFolder: string;
  harbourPath: string;
}

/**
 * Writes the three books under `folder` (created); `paragraphs` (default 12, about 2 passages each)
 * makes them smaller for a slow embedder.
 */
export function writeWhaleBooks(
  folder: string,
  { paragraphs = 12 }: { paragraphs?: number } = {},
): WhaleBooks {
  const seaFolder = join(folder, 'sea');
  mkdirSync(seaFolder, { recursive: true });
  writeFileSync(
    join(seaFolder, 'almanac.txt'),
    book(
      'The Whale Almanac',
      'Ishmael Jones',
      Array.from({ length: paragraphs }, (_, index) =>
        paragraph(
          'The whale',
          index,
          'The whale and the harpoon, the harpoon and the whale, whale after whale.',
        ),
      ),
    ),
  );
  const harbourPath = join(folder, 'harbour.txt');
  writeFileSync(harbourPath, harbourNotes('', paragraphs));
  writeFileSync(
    join(folder, 'baleines.txt'),
    book(
      'Baleines et ports',
      'Jeanne Quai',
      Array.from(
        { length: Math.ceil(paragraphs / 2) },
        (_, index) =>
          `La baleine ${index} nage près du port, et les marins la regardent depuis le quai pendant que le harpon reste dans la barque. ${'Les mouettes volent au-dessus des bateaux de pêche et le vent souffle sur la mer. '.repeat(12)}`,
      ),
    ),
  );
  return { folder, seaFolder, harbourPath };
}
