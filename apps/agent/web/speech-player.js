// Klody's speech on the page: PCM chunks (mono s16le at the rate of the last `audio-start`) played back
// to back with Web Audio. Each chunk becomes a buffer scheduled to start exactly where the previous one
// ends, so the chunks join without gaps or clicks; `stop` cuts everything at once (an interruption).
// The element given reports what it does as data attributes (`data-scheduled-seconds`, `data-playing`).

/** A little lead before the first chunk, so that it is not scheduled in the past while it decodes. */
const leadSeconds = 0.05;

export function createSpeechPlayer(context, reportOn) {
  let sampleRate = 24_000;
  let nextStart = 0;
  let scheduledSeconds = 0;
  const playing = new Set();

  function report() {
    reportOn.dataset.scheduledSeconds = scheduledSeconds.toFixed(3);
    reportOn.dataset.playing = String(playing.size > 0);
  }
  report();

  return {
    setSampleRate(rate) {
      sampleRate = rate;
    },
    /** Schedules one chunk (an ArrayBuffer of s16le samples) after the ones before it. */
    play(bytes) {
      const samples = new Int16Array(bytes);
      if (samples.length === 0) return;
      const buffer = context.createBuffer(1, samples.length, sampleRate);
      const channel = buffer.getChannelData(0);
      for (let index = 0; index < samples.length; index++) channel[index] = samples[index] / 0x8000;
      const source = context.createBufferSource();
      source.buffer = buffer;
      source.connect(context.destination);
      nextStart = Math.max(nextStart, context.currentTime + leadSeconds);
      source.start(nextStart);
      nextStart += buffer.duration;
      scheduledSeconds += buffer.duration;
      playing.add(source);
      source.addEventListener('ended', () => {
        playing.delete(source);
        report();
      });
      report();
    },
    /** Silence now: every chunk playing or waiting is dropped. */
    stop() {
      for (const source of playing) {
        try {
          source.stop();
        } catch {
          // Never started: nothing to stop.
        }
        source.disconnect();
      }
      playing.clear();
      nextStart = 0;
      report();
    },
  };
}
