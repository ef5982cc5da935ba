import { MemoryError } from '../errors/index.js';

export interface Tensor {
  dtype: string;
  shape: number[];
  data: Float32Array | Float64Array | Int32Array | Int64Array;
}

type Int64Array = BigInt64Array;

/**
 * Reads a safetensors file (an 8-byte little-endian header length, a JSON header, raw tensors).
 * The format is small and fixed by its specification; no JavaScript library reads it without
 * pulling a whole ML runtime, so this is the one parser the package writes itself.
 */
export function readSafetensors(bytes: Uint8Array): Map<string, Tensor> {
  if (bytes.byteLength < 8) throw new MemoryError('model_invalid', 'safetensors file too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength <= 0 || 8 + headerLength > bytes.byteLength) {
    throw new MemoryError('model_invalid', 'safetensors header length out of range');
  }
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const base = 8 + headerLength;
  const tensors = new Map<string, Tensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [start, end] = entry.data_offsets;
    if (end > bytes.byteLength - base || start > end)
      throw new MemoryError('model_invalid', `tensor ${name} out of range`);
    // Copy so the typed array is aligned whatever the header length was.
    const raw = new Uint8Array(bytes.subarray(base + start, base + end)).buffer;
    const constructors = {
      F32: Float32Array,
      F64: Float64Array,
      I32: Int32Array,
      I64: BigInt64Array,
    } as const;
    const Constructor = constructors[entry.dtype as keyof typeof constructors];
    if (!Constructor)
      throw new MemoryError('model_invalid', `unsupported tensor type ${entry.dtype} for ${name}`);
    tensors.set(name, {
      dtype: entry.dtype,
      shape: entry.shape,
      data: new Constructor(raw) as Tensor['data'],
    });
  }
  return tensors;
}
