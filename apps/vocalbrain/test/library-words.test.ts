// The library with its real helpers: faster-whisper (Whisper base) hears a track's words so that a
// search finds it by them, and ffmpeg reads formats other than WAV.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { installedTrackTranscriber } from '../src/library/index.js';
import { openTestLibrary, type TestLibrary } from './support/open-test-library.js';
import { toneClip } from './support/tone-clip.js';

describeRequiring(
  { tools: ['espeak-ng', 'ffmpeg'], models: ['whisper-base'] },
  'library tracks with their words (faster-whisper) and through ffmpeg',
  () => {
    let opened: TestLibrary;
    beforeAll(async () => {
      const transcriber = installedTrackTranscriber();
      if (!transcriber) throw new Error('whisper-base is installed but no transcriber was made');
      opened = await openTestLibrary({ transcriber, ffmpeg: 'ffmpeg' });
    });
    afterAll(async () => {
      await opened?.close();
    });

    it('transcribes a spoken track on add and finds it by a phrase it says', async () => {
      const file = join(opened.home, 'shanty.wav');
      execFileSync('espeak-ng', [
        '-v',
        'en-us',
        '-w',
        file,
        'The lighthouse keeper sings at dawn, and the boats come home.',
      ]);
      const track = await opened.library.add({
        bytes: readFileSync(file),
        fileName: 'shanty.wav',
        description: 'A spoken verse, calm voice',
        tags: ['voice'],
      });
      expect(track.wordsNote).toBe('words transcribed by faster-whisper');
      expect(track.wordsLanguage).toBe('en');
      expect(track.words?.toLowerCase()).toContain('lighthouse keeper');
      // Nothing of the description or tags: only the words can find it.
      const answer = await opened.library.find('lighthouse keeper');
      expect(answer.tracks[0]?.id).toBe(track.id);
    }, 120_000);

    it('says a tone without speech has no words, and keeps it findable by its description', async () => {
      const track = await opened.library.add({
        bytes: toneClip([440, 554, 659, 880], { noteSeconds: 0.5 }),
        fileName: 'chime.wav',
        description: 'Four rising chimes, a doorbell',
      });
      expect(track.words).toBeNull();
      expect(track.wordsNote).toBe('faster-whisper heard no words');
      expect((await opened.library.find('doorbell chimes')).tracks[0]?.id).toBe(track.id);
    }, 120_000);

    it('adds an MP3 through ffmpeg, keeps the MP3 as it came, and says its duration', async () => {
      const mp3 = join(opened.home, 'tone.mp3');
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', '-', mp3], {
        input: toneClip([330, 392], { noteSeconds: 1 }),
      });
      const bytes = readFileSync(mp3);
      const track = await opened.library.add({
        bytes,
        fileName: 'tone.mp3',
        description: 'Two long organ notes',
      });
      expect(track.format).toBe('mp3');
      expect(track.duration).toBeGreaterThan(1.9);
      expect(track.duration).toBeLessThan(2.2);
      const stored = opened.library.audioFile(track.id);
      expect(stored?.contentType).toBe('audio/mpeg');
      expect(readFileSync(stored?.path as string)).toEqual(bytes);
    }, 120_000);
  },
);
