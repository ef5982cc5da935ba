import { describe, expect, it } from 'vitest';
import { bookMetadata } from './book-metadata.js';

describe('bookMetadata', () => {
  it('takes the loader title and a Gutenberg Author line', () => {
    const text =
      'The Project Gutenberg eBook of Candide\n\nTitle: Candide\nAuthor: Voltaire\n\nChapitre premier';
    expect(bookMetadata('/books/Candide.txt', { title: 'Candide', text, metadata: {} })).toEqual({
      title: 'Candide',
      author: 'Voltaire',
    });
  });

  it('prefers the author the loader found in document properties', () => {
    const metadata = bookMetadata('/b/x.epub', {
      title: 'Emma',
      text: 'Chapter 1',
      metadata: { author: 'Jane Austen' },
    });
    expect(metadata.author).toBe('Jane Austen');
  });

  it('reads a headerless plain text: short first line as title, "par …" as author', () => {
    const text =
      'LE TOUR DU MONDE EN QUATRE-VINGTS JOURS\n\n====\n\npar Jules Verne I\n\n* * *\n\nEn l’année 1872, la maison…';
    expect(
      bookMetadata('/b/Le-tour-du-monde.txt', { title: 'Le-tour-du-monde', text, metadata: {} }),
    ).toEqual({
      title: 'LE TOUR DU MONDE EN QUATRE-VINGTS JOURS',
      author: 'Jules Verne',
    });
  });

  it('keeps the file name when the text opens with a sentence, and has no author then', () => {
    const text = 'It was a dark and stormy night.\nThe rain fell in torrents.';
    expect(bookMetadata('/b/storm.txt', { title: 'storm', text, metadata: {} })).toEqual({
      title: 'storm',
      author: null,
    });
  });
});
