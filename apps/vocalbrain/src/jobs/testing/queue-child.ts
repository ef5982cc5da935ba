// A child process for the kill-and-resume test: it runs the job queue on the given database until it
// is killed, writing each engine call's text as one JSON line to the calls file before the call.
import { appendFileSync } from 'node:fs';
import { createEspeakJobQueue } from './espeak-job-queue.js';

const [databasePath, audioDirectory, callsPath, segmentMaxCharacters, segmentMinCharacters] =
  process.argv.slice(2);
if (!databasePath || !audioDirectory || !callsPath) {
  throw new Error('usage: queue-child <vocalbrain.db> <audio folder> <calls file> [max] [min]');
}
const { queue } = createEspeakJobQueue({
  databasePath,
  audioDirectory,
  segmentMaxCharacters: Number(segmentMaxCharacters ?? 1_000),
  segmentMinCharacters: Number(segmentMinCharacters ?? 400),
  onCall: (text) => appendFileSync(callsPath, `${JSON.stringify(text)}\n`),
});
queue.start();
process.stdout.write('started\n');
