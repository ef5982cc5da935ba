// Builds gate/question-set.json, the pinned question set the gate replays: the questions written
// about the shared books (book-questions.json) and a fixed sample of the shared QA sets with their
// paragraphs (the first question of each article's first paragraph, XQuAD-en and PIAF-fr), copied
// in so that the gate does not change when the shared data does.
//
//   pnpm exec tsx apps/library-brain/gate/build-question-set.ts [shared data folder]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface SquadFile {
  data: {
    title: string;
    paragraphs: { context: string; qas: { id: string; question: string; answers: { text: string }[] }[] }[];
  }[];
}

const here = dirname(fileURLToPath(import.meta.url));
const dataFolder = resolve(
  process.argv[2] ?? process.env.KLODY_TEST_DATA ?? join(here, '..', '..', '..', '..', 'shared', 'data'),
);

function sample(file: string, language: 'en' | 'fr', prefix: string) {
  const squad = JSON.parse(readFileSync(join(dataFolder, 'eval', file), 'utf8')) as SquadFile;
  const passages: { id: string; title: string; text: string }[] = [];
  const questions: unknown[] = [];
  for (const [articleIndex, article] of squad.data.entries()) {
    const paragraph = article.paragraphs[0];
    const qa = paragraph?.qas[0];
    if (!paragraph || !qa) continue;
    const passageId = `${prefix}-${String(articleIndex).padStart(3, '0')}`;
    passages.push({ id: passageId, title: article.title.replaceAll('_', ' '), text: paragraph.context });
    const answer = qa.answers[0]?.text ?? '';
    questions.push({
      id: `${prefix}-${qa.id}`,
      language,
      question: qa.question,
      passage: passageId,
      source: null,
      evidence: [],
      keywords: answer ? [answer] : [],
    });
  }
  return { passages, questions };
}

const books = JSON.parse(readFileSync(join(here, 'book-questions.json'), 'utf8')) as { questions: unknown[] };
const xquad = sample('xquad-en.json', 'en', 'xquad');
const piaf = sample('piaf-fr-dev.json', 'fr', 'piaf');
const set = {
  about:
    'Pinned by build-question-set.ts. Book questions: a passage is relevant when it comes from `source` (a path under the shared books folder) and contains every `evidence` string. QA-set questions: the relevant passage is the paragraph `passage`. XQuAD (CC BY-SA 4.0) and PIAF (MIT; contexts CC BY-SA, French Wikipedia).',
  passages: [...xquad.passages, ...piaf.passages],
  questions: [...books.questions, ...xquad.questions, ...piaf.questions],
};
writeFileSync(join(here, 'question-set.json'), `${JSON.stringify(set, null, 1)}\n`);
process.stderr.write(`wrote ${set.questions.length} questions and ${set.passages.length} passages\n`);
