import { describe, expect, it } from 'vitest';
import { createSpeechOutput } from './speech-output.js';
import type { VoiceServerMessage } from './voice-protocol.js';

describe('speech output', () => {
  it('sends nothing to speech for a sentence with nothing to say (a Markdown fence, a rule)', async () => {
    const messages: VoiceServerMessage[] = [];
    const spoken: string[] = [];
    const output = createSpeechOutput({
      connection: {
        send: (message) => messages.push(message),
        sendAudio: () => {},
        bufferedBytes: () => 0,
        close: () => {},
      },
      // A fake speaker that refuses what VocalBrain refuses.
      async speak(text) {
        if (!/[\p{L}\p{N}]/u.test(text)) throw new Error('the text to speak holds no letters or digits');
        spoken.push(text);
        return { pcm: new Int16Array(160), sampleRate: 16_000 };
      },
      now: () => performance.now(),
      sleep: (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)),
    });
    for (const sentence of ['Voici.', '```', '---', '🙂', 'Fin.']) output.say(sentence);
    await output.finished();
    expect(spoken).toEqual(['Voici.', 'Fin.']);
    expect(messages.filter((message) => message.type === 'sentence')).toEqual([
      { type: 'sentence', index: 0, text: 'Voici.' },
      { type: 'sentence', index: 1, text: 'Fin.' },
    ]);
  });
});
