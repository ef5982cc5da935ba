// A real multi-page PDF written by hand (no PDF library): Helvetica text, one page per entry, lines
// set with TL/T*. pdf.js (unpdf) reads it as any PDF, which is what the page-number tests need.

function escaped(text: string): string {
  return text.replace(/[\\()]/g, (character) => `\\${character}`);
}

/** Lines of at most `width` characters, split at spaces. */
function wrap(text: string, width = 90): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** The bytes of a PDF whose page n holds `pages[n - 1]` (wrapped into lines), titled `title`. */
export function pdfByHand(title: string, pages: readonly string[]): Buffer {
  const objects: string[] = [];
  const add = (body: string) => {
    objects.push(body);
    return objects.length;
  };
  const catalog = add('');
  const pageTree = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const info = add(`<< /Title (${escaped(title)}) >>`);
  const kids: number[] = [];
  for (const text of pages) {
    const lines = wrap(text);
    const content = `BT /F1 10 Tf 12 TL 40 760 Td ${lines.map((line) => `(${escaped(line)}) Tj T*`).join(' ')} ET`;
    const stream = add(
      `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    );
    kids.push(
      add(
        `<< /Type /Page /Parent ${pageTree} 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${stream} 0 R >>`,
      ),
    );
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pageTree} 0 R >>`;
  objects[pageTree - 1] =
    `<< /Type /Pages /Kids [${kids.map((kid) => `${kid} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  let output = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (const [index, body] of objects.entries()) {
    offsets.push(Buffer.byteLength(output, 'latin1'));
    output += `${index + 1} 0 obj\n${body}\nendobj\n`;
  }
  const xref = Buffer.byteLength(output, 'latin1');
  output += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) output += `${String(offset).padStart(10, '0')} 00000 n \n`;
  output += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info ${info} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(output, 'latin1');
}

/** Three pages about a lighthouse, each with one fact found only on it. */
export function lighthousePages(): string[] {
  const filler = (topic: string) =>
    Array.from(
      { length: 14 },
      (_, index) =>
        `Sentence ${index + 1} about ${topic} goes on quietly, with the sea and the wind and the long grey evenings of the coast.`,
    ).join(' ');
  return [
    `The keeper Elias Brandt came to the island in the spring of his thirtieth year. ${filler('the arrival')}`,
    `The lantern of the northern lighthouse burned whale oil until the harbour master brought paraffin. ${filler('the lantern')}`,
    `In the great storm the keeper rowed out to the wreck of the schooner Marigold and saved its cook. ${filler('the storm')}`,
  ];
}
