export { findCodeRanges, type TextRange } from './code-ranges.js';
export { type FrontMatter, frontMatterList, splitFrontMatter } from './front-matter.js';
export { findInlineTags } from './inline-tags.js';
export { listNoteFiles } from './list-note-files.js';
export { loadNote } from './load-note.js';
export { type NoteInput, type ParsedNote, parseNote } from './note-parser.js';
export { listNoteTags, type NoteTagCount } from './note-tags.js';
export { type NotesSyncOptions, syncNotesFolder } from './sync-notes-folder.js';
export { parseWikiLink, renderWikiLink, type WikiLink } from './wiki-link.js';
