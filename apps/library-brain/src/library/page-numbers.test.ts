import { describe, expect, it } from 'vitest';
import { quotedOffset } from './page-numbers.js';

const passage =
  'the coast. Sentence 9 goes on.\n\nThe lantern of the northern lighthouse burned whale oil until\nthe harbour master brought paraffin. Then winter came.';

describe('quotedOffset', () => {
  it('finds the sentence before [n] in the passage, across line breaks', () => {
    const answer =
      'The keeper came in spring [2]. The lantern of the northern lighthouse burned whale oil until the harbour master brought paraffin. [1]';
    expect(quotedOffset(answer, 1, passage)).toBe(passage.indexOf('The lantern'));
    expect(quotedOffset(answer, 2, passage)).toBeNull();
  });

  it('reads grouped markers and ignores a paraphrase', () => {
    expect(quotedOffset('Then winter came [1][3].', 3, passage)).toBe(passage.indexOf('Then winter'));
    expect(quotedOffset('It used oil from whales [1].', 1, passage)).toBeNull();
    expect(quotedOffset('No citation here.', 1, passage)).toBeNull();
  });
});
