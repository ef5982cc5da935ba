// Conversions between @klody/voice's float samples and the s16le PCM the voice socket carries.
import { floatToPcm16, pcm16ToFloat } from '@klody/voice';

export function floatToInt16(samples: Float32Array): Int16Array {
  const bytes = floatToPcm16(samples);
  return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
}

export function int16ToFloat(pcm: Int16Array): Float32Array {
  return pcm16ToFloat(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
}
