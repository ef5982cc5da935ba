// The microphone's AudioWorklet: whatever rate the AudioContext runs at (44.1 or 48 kHz, usually),
// it mixes the input to mono, low-passes and decimates it to 16 kHz (the voice loop's rate), and posts
// 30 ms frames of signed 16-bit samples to the page, which sends them as they are (little-endian on
// every machine a browser runs on).
const targetRate = 16_000;
const frameSamples = 480; // 30 ms at 16 kHz: small enough for a quick end of turn, few enough messages

class MicrophoneDownsampler extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / targetRate; // input samples per output sample (3 at 48 kHz)
    this.position = 0; // where the next output sample starts, in input samples from the block start
    this.sum = 0;
    this.count = 0;
    this.frame = new Int16Array(frameSamples);
    this.filled = 0;
  }

  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const length = channels[0].length;
    for (let index = 0; index < length; index++) {
      let mono = 0;
      for (const channel of channels) mono += channel[index];
      // Averaging the input samples behind each output sample is a box low-pass: crude, but it keeps
      // most of what is above 8 kHz from folding back into the speech band.
      this.sum += mono / channels.length;
      this.count++;
      if (index + 1 >= this.position + this.step) {
        this.push(this.sum / this.count);
        this.sum = 0;
        this.count = 0;
        this.position += this.step;
      }
    }
    this.position -= length;
    return true;
  }

  push(value) {
    const clamped = Math.max(-1, Math.min(1, value));
    this.frame[this.filled++] = clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff;
    if (this.filled === frameSamples) {
      this.port.postMessage(this.frame.buffer, [this.frame.buffer]);
      this.frame = new Int16Array(frameSamples);
      this.filled = 0;
    }
  }
}

registerProcessor('microphone-downsampler', MicrophoneDownsampler);
