import { expect, it } from 'vitest';
import { renderTable } from './render-table.js';

it('pads each column to its widest cell, two spaces apart, without trailing blanks', () => {
  expect(
    renderTable(
      ['NAME', 'STATE', 'NOTE'],
      [
        ['tiny-story', 'ready', ''],
        ['x', 'stopped (adopted)', 'a note'],
      ],
    ),
  ).toEqual([
    'NAME        STATE              NOTE',
    'tiny-story  ready',
    'x           stopped (adopted)  a note',
  ]);
  expect(renderTable(['A'], [])).toEqual(['A']);
});
