import { describe, expect, it } from 'vitest';
import { audioFormatOf } from './read-track-audio.js';

describe('audioFormatOf', () => {
  it('takes an extension as it is, lower-cased and without its dot', () => {
    expect(audioFormatOf('wav')).toBe('wav');
    expect(audioFormatOf(' .MP3 ')).toBe('mp3');
  });

  it('turns MIME types into the extension readTrackAudio reads, parameters ignored', () => {
    expect(audioFormatOf('audio/wav')).toBe('wav');
    expect(audioFormatOf('audio/x-wav')).toBe('wav');
    expect(audioFormatOf('audio/mpeg')).toBe('mp3');
    expect(audioFormatOf('audio/ogg; codecs=opus')).toBe('ogg');
    expect(audioFormatOf('audio/flac')).toBe('flac');
    expect(audioFormatOf('audio/mp4')).toBe('m4a');
    expect(audioFormatOf('audio/webm')).toBe('webm');
  });

  it('gives the subtype of an unknown MIME type, for readTrackAudio to refuse by name', () => {
    expect(audioFormatOf('audio/x-ms-wma')).toBe('x-ms-wma');
  });
});
