import { wavHeader } from '@klody/voice';
import { encodeWithFfmpeg } from '../http/ffmpeg.js';
import type { StartedSpeech } from './start-speech.js';

/**
 * The answer's bytes as they come. A streamed WAV starts with a header of unknown length
 * (0xffffffff, which players read as "until the end"); a whole one gets its real header from
 * `collectSpeech`.
 */
export async function* encodeSpeech(
  speech: StartedSpeech,
  options: { streamedWav: boolean },
): AsyncGenerator<Uint8Array> {
  const { format } = speech;
  if (format === 'mp3' || format === 'opus') {
    yield* encodeWithFfmpeg(speech.ffmpeg as string, format, speech.sampleRate, speech.pcm);
    return;
  }
  if (format === 'wav' && options.streamedWav) yield wavHeader(speech.sampleRate, 1, 0xffffffff);
  yield* speech.pcm;
}

/** The whole answer, and how long it lasts (seconds of the PCM it was made from). */
export async function collectSpeech(speech: StartedSpeech): Promise<{ audio: Uint8Array; duration: number }> {
  let pcmBytes = 0;
  const counted: StartedSpeech = {
    ...speech,
    pcm: (async function* () {
      for await (const part of speech.pcm) {
        pcmBytes += part.byteLength;
        yield part;
      }
    })(),
  };
  const parts: Uint8Array[] = [];
  for await (const part of encodeSpeech(counted, { streamedWav: false })) parts.push(part);
  let audio = Buffer.concat(parts);
  if (speech.format === 'wav') audio = Buffer.concat([wavHeader(speech.sampleRate, 1, audio.length), audio]);
  return {
    audio: new Uint8Array(audio.buffer, audio.byteOffset, audio.byteLength),
    duration: pcmBytes / 2 / speech.sampleRate,
  };
}
