import { readFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import type { SourceDocument } from '../ingest/ingester.js';
import { decodeText } from '../loaders/decode-text.js';
import { parseNote } from './note-parser.js';

/**
 * One note file of a vault as a source: uri = its absolute path, the title and text of
 * `parseNote`, and the metadata every note carries (`kind: 'note'`, `path` relative to the vault
 * with forward slashes, `vault`, `tags`, `links`, `aliases`). Both paths are absolute.
 */
export async function loadNote(vault: string, file: string): Promise<SourceDocument> {
  const text = decodeText({ bytes: await readFile(file), name: file });
  const note = await parseNote({ text, file });
  return {
    uri: file,
    text: note.text,
    title: note.title,
    format: 'md',
    metadata: {
      kind: 'note',
      path: relative(vault, file).split(sep).join('/'),
      vault,
      tags: note.tags,
      links: note.links,
      aliases: note.aliases,
    },
    // A note that quotes a Project Gutenberg licence is still a note: nothing is cut from it.
    stripGutenberg: false,
  };
}
