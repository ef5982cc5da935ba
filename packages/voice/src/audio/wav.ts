import { VoiceError } from '../errors/index.js';
import type { MultiChannelAudio } from './pcm-audio.js';

const formatPcm = 1;
const formatFloat = 3;
const formatExtensible = 0xfffe;

export interface WavInfo {
  sampleRate: number;
  channelCount: number;
  bitsPerSample: number;
  format: 'pcm' | 'float';
}

export interface DecodedWav extends MultiChannelAudio {
  info: WavInfo;
}

function ascii(view: DataView, offset: number): string {
  return String.fromCharCode(
    view.getUint8(offset),
    view.getUint8(offset + 1),
    view.getUint8(offset + 2),
    view.getUint8(offset + 3),
  );
}

function invalid(name: string, why: string): VoiceError {
  return new VoiceError('invalid_audio', `${name} is not a readable WAV file: ${why}`);
}

/**
 * Decodes a RIFF/WAVE file with integer PCM (8/16/24/32 bit) or float (32/64 bit) samples, plain or
 * WAVE_FORMAT_EXTENSIBLE. A data chunk whose size runs past the end (a streamed WAV written before
 * its length was known) is read to the end of the bytes. `name` only labels the errors.
 */
export function decodeWav(bytes: Uint8Array, name = 'the audio'): DecodedWav {
  if (bytes.byteLength === 0) throw invalid(name, 'it is empty (0 bytes)');
  if (bytes.byteLength < 12) throw invalid(name, `it is only ${bytes.byteLength} bytes long`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const riff = ascii(view, 0);
  if (riff !== 'RIFF' || ascii(view, 8) !== 'WAVE') {
    const hint = riff === 'RIFX' ? ' (big-endian RIFX is not supported)' : '';
    throw invalid(name, `no RIFF/WAVE header${hint}`);
  }
  let offset = 12;
  let info: WavInfo | null = null;
  let data: { start: number; length: number } | null = null;
  while (offset + 8 <= bytes.byteLength) {
    const id = ascii(view, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.byteLength) throw invalid(name, 'its fmt chunk is truncated');
      let formatTag = view.getUint16(body, true);
      const channelCount = view.getUint16(body + 2, true);
      const sampleRate = view.getUint32(body + 4, true);
      const bitsPerSample = view.getUint16(body + 14, true);
      if (formatTag === formatExtensible) {
        if (size < 40 || body + 26 > bytes.byteLength)
          throw invalid(name, 'its extensible fmt chunk is truncated');
        formatTag = view.getUint16(body + 24, true); // first two bytes of the sub-format GUID
      }
      if (formatTag !== formatPcm && formatTag !== formatFloat) {
        throw new VoiceError(
          'unsupported_audio',
          `${name} is a WAV file in encoding ${formatTag}; only integer PCM and float samples are supported (convert it with ffmpeg -c:a pcm_s16le)`,
        );
      }
      const format = formatTag === formatFloat ? 'float' : 'pcm';
      const allowedBits = format === 'float' ? [32, 64] : [8, 16, 24, 32];
      if (!allowedBits.includes(bitsPerSample)) {
        throw new VoiceError(
          'unsupported_audio',
          `${name} has ${bitsPerSample}-bit ${format} samples, which is not supported`,
        );
      }
      if (channelCount < 1) throw invalid(name, 'its fmt chunk declares 0 channels');
      if (sampleRate < 1) throw invalid(name, 'its fmt chunk declares a sample rate of 0');
      info = { sampleRate, channelCount, bitsPerSample, format };
    } else if (id === 'data') {
      const available = bytes.byteLength - body;
      data = { start: body, length: Math.min(size, available) };
      if (info) break;
    }
    const next = body + size + (size % 2);
    if (next <= offset || next > bytes.byteLength) break;
    offset = next;
  }
  if (!info) throw invalid(name, 'it has no fmt chunk (truncated or corrupt header)');
  if (!data) throw invalid(name, 'it has no data chunk');
  const bytesPerSample = info.bitsPerSample / 8;
  const frameSize = bytesPerSample * info.channelCount;
  const frameCount = Math.floor(data.length / frameSize);
  if (frameCount === 0)
    throw new VoiceError('empty_audio', `${name} is a WAV file with no samples (0-length audio)`);
  const channels = Array.from({ length: info.channelCount }, () => new Float32Array(frameCount));
  for (let frame = 0; frame < frameCount; frame += 1) {
    for (let channel = 0; channel < info.channelCount; channel += 1) {
      const position = data.start + frame * frameSize + channel * bytesPerSample;
      let value: number;
      if (info.format === 'float') {
        value = info.bitsPerSample === 32 ? view.getFloat32(position, true) : view.getFloat64(position, true);
        if (!Number.isFinite(value)) value = 0;
      } else if (info.bitsPerSample === 8) {
        value = (view.getUint8(position) - 128) / 128;
      } else if (info.bitsPerSample === 16) {
        value = view.getInt16(position, true) / 32768;
      } else if (info.bitsPerSample === 24) {
        const low = view.getUint16(position, true);
        const high = view.getInt8(position + 2);
        value = (high * 65536 + low) / 8388608;
      } else {
        value = view.getInt32(position, true) / 2147483648;
      }
      (channels[channel] as Float32Array)[frame] = value;
    }
  }
  return { channels, sampleRate: info.sampleRate, info };
}

export interface EncodeWavOptions {
  /** 16-bit integer PCM (default) or 32-bit float. */
  encoding?: 'pcm16' | 'float32';
}

/** The 44-byte header of a PCM/float WAV; `dataBytes` may be 0xFFFFFFFF for a stream of unknown length. */
export function wavHeader(
  sampleRate: number,
  channelCount: number,
  dataBytes: number,
  encoding: 'pcm16' | 'float32' = 'pcm16',
): Uint8Array {
  const bytesPerSample = encoding === 'pcm16' ? 2 : 4;
  const header = new Uint8Array(44);
  const view = new DataView(header.buffer);
  const write = (offset: number, text: string) => {
    for (let index = 0; index < 4; index += 1) view.setUint8(offset + index, text.charCodeAt(index));
  };
  const unknown = dataBytes >= 0xffffffff - 36;
  write(0, 'RIFF');
  view.setUint32(4, unknown ? 0xffffffff : 36 + dataBytes, true);
  write(8, 'WAVE');
  write(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, encoding === 'pcm16' ? formatPcm : formatFloat, true);
  view.setUint16(22, channelCount, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channelCount * bytesPerSample, true);
  view.setUint16(32, channelCount * bytesPerSample, true);
  view.setUint16(34, bytesPerSample * 8, true);
  write(36, 'data');
  view.setUint32(40, unknown ? 0xffffffff : dataBytes, true);
  return header;
}

/** Float samples → little-endian signed 16-bit PCM, clamped, rounded (no wrap-around on overs). */
export function floatToPcm16(samples: Float32Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < samples.length; index += 1) {
    // The same scale as decoding (÷ 32768), so 16-bit audio survives a decode/encode round trip bit
    // for bit; only +1.0 itself is clamped to 32767.
    const value = Math.round((samples[index] ?? 0) * 32768);
    view.setInt16(index * 2, Math.max(-32768, Math.min(32767, Number.isFinite(value) ? value : 0)), true);
  }
  return bytes;
}

/** Little-endian signed 16-bit PCM → float samples. An odd trailing byte is ignored. */
export function pcm16ToFloat(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const samples = new Float32Array(Math.floor(bytes.byteLength / 2));
  for (let index = 0; index < samples.length; index += 1)
    samples[index] = view.getInt16(index * 2, true) / 32768;
  return samples;
}

/** Encodes audio as a WAV file (interleaving the channels). */
export function encodeWav(audio: MultiChannelAudio, options: EncodeWavOptions = {}): Uint8Array {
  const encoding = options.encoding ?? 'pcm16';
  const channelCount = audio.channels.length;
  if (channelCount === 0) throw new VoiceError('invalid_options', 'cannot write a WAV file with no channels');
  if (!Number.isInteger(audio.sampleRate) || audio.sampleRate <= 0) {
    throw new VoiceError('invalid_options', `invalid sample rate ${audio.sampleRate}`);
  }
  const frameCount = audio.channels[0]?.length ?? 0;
  const interleaved = new Float32Array(frameCount * channelCount);
  for (let channel = 0; channel < channelCount; channel += 1) {
    const samples = audio.channels[channel] as Float32Array;
    if (samples.length !== frameCount)
      throw new VoiceError('invalid_options', 'channels have different lengths');
    for (let frame = 0; frame < frameCount; frame += 1)
      interleaved[frame * channelCount + channel] = samples[frame] ?? 0;
  }
  let body: Uint8Array;
  if (encoding === 'pcm16') {
    body = floatToPcm16(interleaved);
  } else {
    body = new Uint8Array(interleaved.length * 4);
    const view = new DataView(body.buffer);
    for (let index = 0; index < interleaved.length; index += 1)
      view.setFloat32(index * 4, interleaved[index] ?? 0, true);
  }
  const header = wavHeader(audio.sampleRate, channelCount, body.byteLength, encoding);
  const file = new Uint8Array(header.byteLength + body.byteLength);
  file.set(header, 0);
  file.set(body, header.byteLength);
  return file;
}
