import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { describe, expect, it } from 'vitest';
import { createEspeakNgTextToSpeech } from '../engines/espeak-ng/espeak-ng-binary.js';
import {
  createEspeakNgWasmTextToSpeech,
  type EspeakWasmWorker,
  loadEspeakWasmPackage,
} from '../engines/espeak-ng/espeak-ng-wasm.js';
import { findExecutable } from '../process/run-process.js';
import { segmentText } from '../text/segment-text.js';
import type { SpeechChunk, TextToSpeech } from '../text-to-speech/text-to-speech.js';

// Several paragraphs, the kind of block the seed sent in one go (163 s of saturated audio).
const longFrenchText = `Le matin du 14 juillet, M. Dupont se leva tôt. Il prit un café à 2,50 €, lut le journal et sortit.

« Où allez-vous si vite ? » demanda Mme Martin depuis sa fenêtre. Il répondit qu'il allait voir le Dr. Lefèvre, etc. puis il pressa le pas… La rue était calme.
Au marché, les marchands criaient leurs prix : tomates, poireaux, fromages de chèvre et pain de campagne. J.-P. Sartre, disait-on, venait autrefois ici le dimanche.

Vers midi, le ciel se couvrit. Les premières gouttes tombèrent sur les pavés, et chacun chercha un abri sous les arcades de la place.
Le soir venu, M. Dupont rentra chez lui, fatigué mais content de sa journée.`;

async function collect(tts: TextToSpeech, onFirst: () => void): Promise<SpeechChunk[]> {
  const chunks: SpeechChunk[] = [];
  for await (const chunk of tts.stream(longFrenchText, { language: 'fr' })) {
    if (chunks.length === 0) onFirst();
    chunks.push(chunk);
  }
  return chunks;
}

function expectProportional(chunks: SpeechChunk[]): void {
  const segments = segmentText(longFrenchText, { language: 'fr' });
  expect(chunks.map((chunk) => chunk.text)).toEqual(segments.map((segment) => segment.text));
  let seconds = 0;
  for (const chunk of chunks) {
    const duration = chunk.samples.length / chunk.sampleRate;
    seconds += duration;
    // espeak-ng speaks French at roughly 14 characters a second; a runaway segment would be far off.
    expect({ text: chunk.text, perCharacter: duration / chunk.text.length }).toEqual({
      text: chunk.text,
      perCharacter: expect.toSatisfy((value: number) => value > 0.03 && value < 0.15),
    });
  }
  const characters = chunks.reduce((sum, chunk) => sum + chunk.text.length, 0);
  expect(seconds / characters).toBeGreaterThan(0.04);
  expect(seconds / characters).toBeLessThan(0.12);
}

describeRequiring({ tools: ['espeak-ng'] }, 'a long French text streams with the espeak-ng binary', () => {
  it('yields the first chunk before the second sentence is synthesised, and stays proportional', async () => {
    // A wrapper that records each synthesis run, then hands over to the real binary.
    const folder = mkdtempSync(join(tmpdir(), 'klody-voice-stream-'));
    const log = join(folder, 'runs.log');
    writeFileSync(log, '');
    const wrapper = join(folder, 'espeak-ng-logged');
    writeFileSync(
      wrapper,
      `#!/bin/sh\ncase "$*" in *--stdin*) echo run >> "${log}";; esac\nexec "${findExecutable('espeak-ng')}" "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
    const runs = () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
    let runsAtFirstChunk = -1;
    const chunks = await collect(createEspeakNgTextToSpeech({ executable: wrapper }), () => {
      runsAtFirstChunk = runs();
    });
    expect(runsAtFirstChunk).toBe(1);
    expect(chunks.length).toBeGreaterThanOrEqual(8);
    expect(runs()).toBe(chunks.length);
    expectProportional(chunks);
  });
});

describe('a long French text streams with the espeak-ng WASM build', () => {
  it('yields the first chunk before the second sentence is synthesised, and stays proportional', async () => {
    let synthesized = 0;
    const counting = async (): Promise<EspeakWasmWorker> => {
      const worker = await loadEspeakWasmPackage();
      const synthesize = worker.synthesize.bind(worker);
      worker.synthesize = (text, callback) => {
        synthesized += 1;
        synthesize(text, callback);
      };
      return worker;
    };
    let atFirstChunk = -1;
    const chunks = await collect(createEspeakNgWasmTextToSpeech({ load: counting }), () => {
      atFirstChunk = synthesized;
    });
    expect(atFirstChunk).toBe(1);
    expect(synthesized).toBe(chunks.length);
    expectProportional(chunks);
  });
});
