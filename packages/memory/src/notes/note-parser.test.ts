import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MemoryError } from '../errors/index.js';
import { findCodeRanges } from './code-ranges.js';
import { parseNote } from './note-parser.js';
import { parseWikiLink, renderWikiLink } from './wiki-link.js';

const vault = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/notes');

async function parseFixture(path: string) {
  const file = join(vault, path);
  return await parseNote({ text: await readFile(file, 'utf8'), file });
}

async function caught(run: () => Promise<unknown>): Promise<MemoryError> {
  try {
    await run();
  } catch (error) {
    if (MemoryError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('parseNote on the fixture vault', () => {
  it('reads front matter tags as a list, inline tags, aliases, links with alias and heading', async () => {
    const note = await parseFixture('Projects/Klody.md');
    expect(note.title).toBe('Klody, my local agent');
    expect(note.tags).toEqual(['project', 'agent', 'typescript', 'decision']);
    expect(note.aliases).toEqual(['Klody agent', 'The agent']);
    expect(note.links).toEqual(['Memory design', 'Reading list', 'Projects/Memory design']);
    expect(note.properties.created).toBe('2024-02-11');
  });

  it('stores the Markdown body: no front matter, links read as their alias or name, embeds gone', async () => {
    const note = await parseFixture('Projects/Klody.md');
    expect(note.text.startsWith('# Klody\n\nKlody is a local agent')).toBe(true);
    expect(note.text).toContain('The design is in the memory design,');
    expect(note.text).toContain('is in Reading list > Papers.');
    expect(note.text).toContain('see Memory design > Fusion.');
    expect(note.text).not.toContain('[[');
    expect(note.text).not.toContain('architecture.png');
    expect(note.text).not.toContain('tags:');
    // Code is kept as written, and its `#` words are no tags.
    expect(note.text).toContain('```sh\n# install the workspace\npnpm install #not-a-tag\n```');
    expect(note.text).toContain('`#define`');
  });

  it('reads tags given as a string, `alias:`, and a link to a folder/note with an alias', async () => {
    const note = await parseFixture('Projects/Memory design.md');
    expect(note.title).toBe('Memory design');
    expect(note.tags).toEqual(['project', 'design']);
    expect(note.aliases).toEqual(['Memory']);
    expect(note.links).toEqual(['Klody', 'Daily/2024-03-01']);
    expect(note.text).toContain('the diary entry of the first of March.');
    // A Markdown image of a local file keeps only its description.
    expect(note.text).toContain('Diagram of the fusion');
    expect(note.text).not.toContain('fusion.png');
  });

  it('reads a note without front matter: title from its heading, `#2024` is no tag', async () => {
    const note = await parseFixture('Daily/2024-03-01.md');
    expect(note.title).toBe('Friday 1 March 2024');
    expect(note.tags).toEqual(['agent', 'reading']);
    expect(note.links).toEqual(['Klody']);
    expect(note.aliases).toEqual([]);
  });

  it('reads a French note: `tag:`, accented and nested inline tags, an embed with a size', async () => {
    const note = await parseFixture('Recettes/Tarte aux pommes.md');
    expect(note.title).toBe('Tarte aux pommes de ma grand-mère');
    expect(note.tags).toEqual(['cuisine', 'été', 'Dessert/Tarte']);
    expect(note.aliases).toEqual(['Tarte normande']);
    expect(note.text).toContain('Voir aussi ma liste de lecture pour le livre de cuisine.');
    expect(note.text).not.toContain('tarte.jpg');
    expect(note.text.endsWith('pour le livre de cuisine.')).toBe(true);
  });
});

describe('parseNote on single cases', () => {
  const parse = (text: string, file = '/vault/Note name.md') => parseNote({ text, file });

  it('falls back to the file name for the title, and ignores a heading inside code', async () => {
    expect((await parse('```sh\n# not a title\n```\n\nText.')).title).toBe('Note name');
    expect((await parse('## Second level only')).title).toBe('Note name');
    expect((await parse('---\ntitle: "  "\n---\n# Heading title')).title).toBe('Heading title');
  });

  it('keeps each tag once, ignoring case, as first written; `#` in front matter tags is dropped', async () => {
    const note = await parse('---\ntags: ["#Project", idea]\n---\nText #project #IDEA #new-thing/sub #x/ ');
    expect(note.tags).toEqual(['Project', 'idea', 'new-thing/sub', 'x']);
  });

  it('finds no tag in a heading, a URL anchor, a wiki link heading or an inline code span', async () => {
    const note = await parse('# Title\n## Part\nSee http://a.org/#top, [[Note#Heading]], `#code` and a#b.');
    expect(note.tags).toEqual([]);
  });

  it('finds no tag or link inside a fenced block, even a long fence with a shorter one inside', async () => {
    const text = '````md\n```\n#inside [[Hidden]]\n```\n````\nAfter #outside [[Shown]]';
    const note = await parse(text);
    expect(note.tags).toEqual(['outside']);
    expect(note.links).toEqual(['Shown']);
    expect(note.text).toContain('#inside [[Hidden]]');
  });

  it('treats an unclosed fence as code to the end of the note', async () => {
    expect(findCodeRanges('a\n```\n#x\n')).toEqual([[2, 9]]);
    expect((await parse('a\n```\n#x [[Y]]\n')).tags).toEqual([]);
  });

  it('reads a link inside a table with an escaped bar, a heading-only link, a .md link', async () => {
    const note = await parse(
      '| a | [[Plans\\|the plans]] |\n\nSee [[#Local part]] and [the CV](Career/My%20CV.md).',
    );
    expect(note.links).toEqual(['Plans', 'Career/My CV']);
    expect(note.text).toContain('| a | the plans |');
    expect(note.text).toContain('See Local part and [the CV](Career/My%20CV.md).');
  });

  it('keeps an embedded note as a link, and removes an embedded PDF', async () => {
    const note = await parse('Before ![[Other note]] and ![[report.pdf#page=3]] after.');
    expect(note.links).toEqual(['Other note']);
    expect(note.text).toBe('Before Other note and  after.');
  });

  it('takes a note that starts with a rule but has no closing `---` as having no front matter', async () => {
    const note = await parse('---\nJust a rule above, #tag here');
    expect(note.text).toBe('---\nJust a rule above, #tag here');
    expect(note.tags).toEqual(['tag']);
  });

  it('closes the front matter only at a line of its own, and reads an empty one', async () => {
    expect((await parse('---\ntitle: A---\n---\nBody')).title).toBe('A---');
    expect((await parse('---\n---\nBody #b')).text).toBe('Body #b');
  });

  it('reads CRLF line ends and a byte order mark', async () => {
    const note = await parse('\uFEFF---\r\ntags: [a]\r\n---\r\n# T\r\nBody #b\r\n');
    expect(note.tags).toEqual(['a', 'b']);
    expect(note.text).toBe('# T\nBody #b');
  });

  it('refuses invalid front matter with the file, line and column', async () => {
    const error = await caught(() =>
      parse('---\ntitle: Plans\ntags: [a, b\nstatus: draft\n---\nBody', '/v/Plans.md'),
    );
    expect(error.code).toBe('load_failed');
    expect(error.message).toMatch(/^\/v\/Plans\.md:4:1: the front matter is not valid YAML: /);
  });

  it('refuses a duplicated property, naming its line', async () => {
    const error = await caught(() => parse('---\ntags: a\ntags: b\n---\n', '/v/Twice.md'));
    expect(error.message).toMatch(/^\/v\/Twice\.md:3:1: .*unique/);
  });

  it('refuses front matter that is a list rather than properties', async () => {
    const error = await caught(() => parse('---\n- a\n- b\n---\nBody', '/v/List.md'));
    expect(error.message).toBe(
      '/v/List.md:2: the front matter is not a list of properties (key: value), but a list',
    );
  });
});

describe('wiki links', () => {
  it('parses target, heading, alias and attachment', async () => {
    expect(parseWikiLink('folder/Note.md#Part#Sub|Shown', false)).toEqual({
      target: 'folder/Note',
      heading: 'Part > Sub',
      alias: 'Shown',
      embed: false,
      attachment: false,
    });
    expect(parseWikiLink('image.png|300', true)).toMatchObject({ target: 'image.png', attachment: true });
  });

  it('renders as Obsidian shows them', async () => {
    expect(renderWikiLink(parseWikiLink('folder/Note', false))).toBe('Note');
    expect(renderWikiLink(parseWikiLink('Note#^block-id', false))).toBe('Note > ^block-id');
    expect(renderWikiLink(parseWikiLink('image.png', true))).toBe('');
    // A link to an attachment (not embedded) still reads as its name.
    expect(renderWikiLink(parseWikiLink('report.pdf', false))).toBe('report.pdf');
  });
});
