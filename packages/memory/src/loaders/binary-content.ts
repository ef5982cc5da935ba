/** Characters of the start of a text that the checks read: enough to judge, cheap on any book. */
const sampleLength = 65_536;
/** NUL never occurs in text (UTF-16 files are decoded first, so their zero bytes are gone). */
const nulWindow = 8_192;
/** Real books measure 0 %, random bytes ~12 % and executables ~50 %. */
const controlShare = 0.05;

// Controls that plain text does use: tab, line feed, vertical tab, form feed, carriage return, and
// escape (terminal colours in logs). Every other C0 and C1 control, DEL, and U+FFFD (what a decoder
// puts for bytes it cannot read) counts against the text.
function isSuspicious(code: number): boolean {
  if (code < 0x20) return code < 0x09 || (code > 0x0d && code !== 0x1b);
  return (code >= 0x7f && code <= 0x9f) || code === 0xfffd;
}

/**
 * Why a decoded "text" is really binary content (random bytes, an executable or an archive renamed
 * `.txt`), or null when it reads as text. Rates of invalid UTF-8 are not a test: texts in legacy
 * 8-bit encodings (Windows-1252 French, Windows-1251 Russian) are mostly invalid UTF-8 and still text.
 */
export function findBinaryContent(text: string): string | null {
  const sample = text.slice(0, sampleLength);
  if (sample.slice(0, nulWindow).includes('\0')) return 'NUL bytes near its start';
  let suspicious = 0;
  for (let index = 0; index < sample.length; index++) {
    if (isSuspicious(sample.charCodeAt(index))) suspicious++;
  }
  if (sample.length > 0 && suspicious / sample.length > controlShare) {
    return `${Math.round((100 * suspicious) / sample.length)} % of its characters are control codes`;
  }
  return null;
}
