// The microphone audio of one connection, kept just long enough to cut out each utterance once the
// VAD has placed it: the VAD reports a turn's start after the fact (backdated by its padding), so the
// audio before the report must still be there.

export interface RecordingBuffer {
  /** Seconds of audio received so far. */
  readonly position: number;
  append(pcm: Int16Array): void;
  /** The audio between two positions (seconds), clipped to what is still kept. */
  slice(fromSeconds: number, toSeconds: number): Int16Array;
  /** Forgets the audio before `seconds`. */
  forgetBefore(seconds: number): void;
}

export function createRecordingBuffer(sampleRate: number): RecordingBuffer {
  let chunks: Int16Array[] = [];
  // Absolute sample index of chunks[0][0], and of the end of the last chunk.
  let firstSample = 0;
  let endSample = 0;
  return {
    get position() {
      return endSample / sampleRate;
    },
    append(pcm) {
      if (pcm.length === 0) return;
      chunks.push(pcm);
      endSample += pcm.length;
    },
    slice(fromSeconds, toSeconds) {
      const from = Math.max(firstSample, Math.floor(fromSeconds * sampleRate));
      const to = Math.min(endSample, Math.ceil(toSeconds * sampleRate));
      const out = new Int16Array(Math.max(0, to - from));
      let chunkStart = firstSample;
      for (const chunk of chunks) {
        const chunkEnd = chunkStart + chunk.length;
        const start = Math.max(from, chunkStart);
        const end = Math.min(to, chunkEnd);
        if (start < end) out.set(chunk.subarray(start - chunkStart, end - chunkStart), start - from);
        chunkStart = chunkEnd;
      }
      return out;
    },
    forgetBefore(seconds) {
      const sample = Math.floor(seconds * sampleRate);
      const kept: Int16Array[] = [];
      let chunkStart = firstSample;
      let newFirst = endSample;
      for (const chunk of chunks) {
        const chunkEnd = chunkStart + chunk.length;
        if (chunkEnd > sample) {
          kept.push(chunk);
          newFirst = Math.min(newFirst, chunkStart);
        }
        chunkStart = chunkEnd;
      }
      chunks = kept;
      firstSample = kept.length > 0 ? newFirst : endSample;
    },
  };
}
