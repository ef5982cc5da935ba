// What the user actually heard of Klody's answer when they spoke over it: every sentence whose audio
// was played to its end, and of the sentence that was playing, the share of its words its played time
// covers (speech runs at a steady pace, so time is a fair measure of words).

/** One sentence on the playback timeline (milliseconds on the session's clock). */
export interface PlayedSentence {
  text: string;
  startsAt: number;
  endsAt: number;
}

export function playedText(sentences: readonly PlayedSentence[], at: number): string {
  const parts: string[] = [];
  for (const sentence of sentences) {
    if (sentence.startsAt >= at) break;
    if (sentence.endsAt <= at) {
      parts.push(sentence.text.trim());
      continue;
    }
    const words = sentence.text.trim().split(/\s+/);
    const share = (at - sentence.startsAt) / Math.max(1, sentence.endsAt - sentence.startsAt);
    const heard = words.slice(0, Math.floor(words.length * share));
    if (heard.length > 0) parts.push(`${heard.join(' ')}…`);
    break;
  }
  return parts.join(' ');
}
