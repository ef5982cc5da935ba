import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MemoryError } from '../errors/index.js';

export interface LabelledPassage {
  id: string;
  title: string | null;
  text: string;
}

export interface LabelledQuestion {
  id: string;
  text: string;
  /** Relevance by passage id (> 0). */
  relevance: Map<string, number>;
}

export interface LabelledSet {
  passages: LabelledPassage[];
  questions: LabelledQuestion[];
}

interface SquadFile {
  data: {
    title?: string;
    paragraphs: { context: string; qas: { id: string; question: string }[] }[];
  }[];
}

/** SQuAD v1.1: every paragraph is a passage; each question's gold passage is its own paragraph (rel 1). */
export async function readSquad(path: string): Promise<LabelledSet> {
  let parsed: SquadFile;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as SquadFile;
  } catch (error) {
    throw new MemoryError('invalid_argument', `cannot read SQuAD file ${path}: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed?.data))
    throw new MemoryError('invalid_argument', `${path} has no SQuAD "data" array`);
  const passages: LabelledPassage[] = [];
  const questions: LabelledQuestion[] = [];
  parsed.data.forEach((article, articleIndex) => {
    article.paragraphs.forEach((paragraph, paragraphIndex) => {
      const id = `${articleIndex}.${paragraphIndex}`;
      passages.push({ id, title: article.title?.replaceAll('_', ' ') ?? null, text: paragraph.context });
      for (const question of paragraph.qas) {
        questions.push({ id: question.id, text: question.question, relevance: new Map([[id, 1]]) });
      }
    });
  });
  return { passages, questions };
}

// "001" and "1" name the same document.
const canonicalId = (id: string) => (/^\d+$/.test(id) ? String(Number(id)) : id);

function records(text: string): Map<string, Map<string, string>> {
  // Records start with ".I <id>"; fields with ".X" on a line of their own (".W" text may span lines).
  const result = new Map<string, Map<string, string>>();
  let fields: Map<string, string> | null = null;
  let field: string | null = null;
  for (const rawLine of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = rawLine.trimEnd();
    const start = /^\.I\s+(\S+)/.exec(line);
    if (start) {
      fields = new Map();
      result.set(start[1] as string, fields);
      field = null;
      continue;
    }
    const marker = /^\.([A-Z])\s*(.*)$/.exec(line);
    if (marker && fields) {
      field = marker[1] as string;
      fields.set(field, marker[2] ?? '');
      continue;
    }
    if (fields && field)
      fields.set(field, `${fields.get(field) ?? ''}${fields.get(field) ? '\n' : ''}${line}`);
  }
  return result;
}

/**
 * The Cranfield layout: `cran.all.1400`, `cran.qry` (queries matched to judgements by their position,
 * not their ids) and `cranqrel` (graded 1 = best … 4; rel = 5 − grade; −1 lines ignored).
 */
export async function readCranfield(folder: string): Promise<LabelledSet> {
  const info = await stat(folder).catch(() => null);
  if (!info?.isDirectory())
    throw new MemoryError('invalid_argument', `--input must be a Cranfield folder: ${folder}`);
  const names = await readdir(folder);
  for (const required of ['cran.all.1400', 'cran.qry', 'cranqrel']) {
    if (!names.includes(required)) throw new MemoryError('invalid_argument', `${folder} has no ${required}`);
  }
  const documents = records(await readFile(join(folder, 'cran.all.1400'), 'latin1'));
  const queries = [...records(await readFile(join(folder, 'cran.qry'), 'latin1')).entries()];
  const passages: LabelledPassage[] = [...documents.entries()].map(([id, fields]) => ({
    id: canonicalId(id),
    title: fields.get('T')?.replace(/\s+/g, ' ').trim() || null,
    text: (fields.get('W') ?? '').trim(),
  }));
  const passageIds = new Set(passages.map((passage) => passage.id));
  const questions: LabelledQuestion[] = queries.map(([id, fields]) => ({
    id,
    text: (fields.get('W') ?? '').replace(/\s+/g, ' ').trim(),
    relevance: new Map(),
  }));
  for (const line of (await readFile(join(folder, 'cranqrel'), 'latin1')).split(/\r?\n/)) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 3) continue;
    const [position, documentId, grade] = parts.map(Number) as [number, number, number];
    if (grade === -1 || !Number.isFinite(grade)) continue;
    const question = questions[position - 1];
    if (!question || !passageIds.has(String(documentId))) continue;
    question.relevance.set(String(documentId), Math.max(1, 5 - grade));
  }
  return { passages, questions: questions.filter((question) => question.relevance.size > 0) };
}
