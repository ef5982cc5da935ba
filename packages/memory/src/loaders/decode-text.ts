import { MemoryError } from '../errors/index.js';
import { findBinaryContent } from './binary-content.js';
import type { LoaderInput } from './document-loader.js';

// Windows-1252 puts letters and punctuation where Latin-1 has C1 control codes (0x80–0x9F). Node 20's
// TextDecoder('windows-1252') decodes that range as Latin-1: "l’homme" came out with U+0092 for the
// apostrophe, which reads as garbage and as a control character. The five bytes Windows-1252 leaves
// undefined stay controls.
const windows1252High = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d,
  0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a,
  0x153, 0x9d, 0x17e, 0x178,
];

function decodeWindows1252(bytes: Uint8Array): string {
  return new TextDecoder('windows-1252')
    .decode(bytes)
    .replace(/[\u0080-\u009f]/g, (character) =>
      String.fromCharCode(windows1252High[character.charCodeAt(0) - 0x80] as number),
    );
}

/**
 * The text of a plain-text file: UTF-16 when it starts with a UTF-16 byte order mark, UTF-8 when the
 * bytes are valid UTF-8 (BOM or not), otherwise Windows-1252, which old texts use. Content that is
 * not text at all (a binary renamed `.txt`) is a `binary_content` error naming the file, rather than
 * a book of garbage passages.
 */
export function decodeText({ bytes, name }: LoaderInput): string {
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le').decode(bytes);
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder('utf-16be').decode(bytes);
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      text = decodeWindows1252(bytes);
    }
  }
  const binary = findBinaryContent(text);
  if (binary) throw new MemoryError('binary_content', `${name} is not text (${binary}): not ingested`);
  return text;
}
