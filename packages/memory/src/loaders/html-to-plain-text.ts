import { type FormatCallback, htmlToText } from 'html-to-text';

// Headings become Markdown headings so the structural chunker opens a chunk at each of them.
const heading: FormatCallback = (element, walk, builder) => {
  const level = Number(/^h([1-6])$/.exec(element.name ?? '')?.[1] ?? 1);
  builder.openBlock({ leadingLineBreaks: 2 });
  builder.addInline(`${'#'.repeat(level)} `);
  walk(element.children, builder);
  builder.closeBlock({ trailingLineBreaks: 2 });
};

const headingSelectors = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
  selector,
  format: 'klodyHeading',
}));

/** Readable text of an HTML or XHTML document: no tags, scripts, images or link targets. */
export function htmlToPlainText(html: string): string {
  return htmlToText(html, {
    wordwrap: false,
    formatters: { klodyHeading: heading },
    selectors: [
      ...headingSelectors,
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'script', format: 'skip' },
      { selector: 'style', format: 'skip' },
      { selector: 'nav', format: 'skip' },
    ],
  });
}
