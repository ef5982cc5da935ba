import type { TranscriptSegment } from '../../speech-to-text/speech-to-text.js';

const wordLine = /^(\S+) (\d+\.\d+) (\d+\.\d+) (-?\d+(?:\.\d+)?(?:e-?\d+)?)$/;

/**
 * Reads `pocketsphinx_continuous -time yes` output: each utterance is a line of text followed by
 * its word timings (`word start end confidence`, with `<s>`, `</s>`, `<sil>` and `word(2)` variants).
 */
export function parsePocketsphinxOutput(output: string): TranscriptSegment[] {
  const segments: TranscriptSegment[] = [];
  let current: { words: string[]; start: number | null; end: number } | null = null;
  const close = () => {
    if (current && current.words.length > 0) {
      segments.push({ start: current.start ?? 0, end: current.end, text: current.words.join(' ') });
    }
    current = null;
  };
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const match = wordLine.exec(line);
    if (!match) {
      // An utterance's text line: the word lines that follow time it.
      close();
      current = { words: [], start: null, end: 0 };
      continue;
    }
    current ??= { words: [], start: null, end: 0 };
    const [, token = '', start, end] = match;
    const startSeconds = Number(start);
    const endSeconds = Number(end);
    current.start ??= startSeconds;
    current.end = Math.max(current.end, endSeconds);
    if (token.startsWith('<') || token.startsWith('[') || token.startsWith('++')) continue;
    current.words.push(token.replace(/\(\d+\)$/, ''));
  }
  close();
  return segments;
}
