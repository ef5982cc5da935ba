// Writes each question's `split` as question-split.ts decides it, into the files under this folder.
// The test (questions.test.ts) checks that the files hold exactly these halves.
//
//   pnpm exec tsx apps/library-brain/gate/questions/assign-splits.ts [shared data folder] [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadQuestionFiles, normalizedBookText } from './question-files.js';
import { assignSplits } from './question-split.js';

const here = dirname(fileURLToPath(import.meta.url));
const argumentsGiven = process.argv.slice(2);
const check = argumentsGiven.includes('--check');
const dataFolder = resolve(
  argumentsGiven.find((argument) => !argument.startsWith('--')) ??
    process.env.KLODY_TEST_DATA ??
    join(here, '..', '..', '..', '..', '..', 'shared', 'data'),
);
const booksFolder = join(dataFolder, 'books');
const texts = new Map<string, string>();
const files = loadQuestionFiles(here);
const halves = assignSplits(files, (source, passage) => {
  const text = texts.get(source) ?? normalizedBookText(booksFolder, source);
  texts.set(source, text);
  const start = text.indexOf(passage);
  return start === -1 ? null : { start, end: start + passage.length };
});
let changed = 0;
for (const file of files) {
  const path = join(here, file.name);
  const content = JSON.parse(readFileSync(path, 'utf8')) as { questions: { id: string; split: string }[] };
  for (const question of content.questions) {
    const half = halves.get(question.id);
    if (half && question.split !== half) {
      process.stderr.write(`${file.name} ${question.id}: ${question.split} -> ${half}\n`);
      question.split = half;
      changed += 1;
    }
  }
  if (!check) writeFileSync(path, `${JSON.stringify(content, null, 2)}\n`);
}
process.stderr.write(`${changed} halves ${check ? 'would change' : 'changed'}\n`);
