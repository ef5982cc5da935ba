import { describe, expect, it } from 'vitest';
import { createStderrTail } from './stderr-tail.js';

describe('createStderrTail', () => {
  it('keeps the last lines across chunks, skips blank ones and cuts long ones', () => {
    const tail = createStderrTail(3, 10);
    tail.push('one\ntw');
    tail.push('o\n\nthree\r\nfour\nfive is a long line\nsix');
    expect(tail.lines()).toEqual(['four', 'five is a …', 'six']);
  });

  it('bounds a line that never ends', () => {
    const tail = createStderrTail(2, 10);
    for (let index = 0; index < 1_000; index++) tail.push('##########');
    expect(tail.lines()).toEqual(['##########']);
  });
});
