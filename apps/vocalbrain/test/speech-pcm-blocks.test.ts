// OpenAI's 24 kHz `pcm` streams in blocks on a real server with the real espeak-ng (22.05 kHz): each
// sentence is resampled and sent 0.1 s at a time, so the first bytes never wait for a whole sentence
// to be resampled, and the blocks put together are the whole answer's bytes.
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openAiPcmSampleRate, resampleBlockSeconds } from '../src/http/speech-audio.js';
import { sseEvents, startTestServer, type TestServer } from './speech-test-server.js';

const twoSentences = 'The kettle on the stove is boiling now. Please bring two cups to the table.';

describeRequiring({ tools: ['espeak-ng'] }, 'streamed pcm in resampled blocks', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  async function deltas(format: 'pcm' | 'wav'): Promise<Buffer[]> {
    const response = await server.post('/v1/audio/speech', {
      model: 'espeak-ng',
      voice: 'en-us',
      input: twoSentences,
      response_format: format,
      stream_format: 'sse',
    });
    expect(response.status).toBe(200);
    return sseEvents(await response.text())
      .filter((event) => event.type === 'speech.audio.delta')
      .map((event) => Buffer.from(event.audio as string, 'base64'));
  }

  it('sends each sentence as 0.1 s blocks, the same bytes as the whole answer', async () => {
    const blocks = await deltas('pcm');
    const largestBlockBytes = resampleBlockSeconds * openAiPcmSampleRate * 2;
    // About 3.5 s of speech: some 35 blocks and the pause, none larger than a block.
    expect(blocks.length).toBeGreaterThan(25);
    for (const block of blocks) expect(block.length).toBeLessThanOrEqual(largestBlockBytes);
    const whole = await server.post('/v1/audio/speech', {
      model: 'espeak-ng',
      voice: 'en-us',
      input: twoSentences,
      response_format: 'pcm',
    });
    expect(Buffer.concat(blocks).equals(Buffer.from(await whole.arrayBuffer()))).toBe(true);
  });

  it('sends a WAV at the engine rate sentence by sentence, with nothing to resample', async () => {
    // The header, the first sentence, the pause, the second sentence.
    expect(await deltas('wav')).toHaveLength(4);
  });
});
