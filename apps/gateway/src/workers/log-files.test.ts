import { appendFileSync, closeSync, existsSync, mkdtempSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogFiles } from './log-files.js';

describe('LogFiles', () => {
  it('rotates a log past its size and the writer keeps appending to the emptied file', () => {
    const logs = new LogFiles({
      directory: mkdtempSync(join(tmpdir(), 'klody-logs-')),
      maxBytes: 100,
      keep: 2,
    });
    const descriptor = logs.open('w');
    writeSync(descriptor, 'a'.repeat(150));
    expect(logs.rotateIfLarge('w')).toBe(true);
    writeSync(descriptor, 'after rotation\n');
    closeSync(descriptor);
    expect(readFileSync(`${logs.pathOf('w')}.1`, 'utf8')).toBe('a'.repeat(150));
    expect(readFileSync(logs.pathOf('w'), 'utf8')).toBe('after rotation\n');
    appendFileSync(logs.pathOf('w'), 'b'.repeat(200));
    logs.rotateIfLarge('w');
    expect(existsSync(`${logs.pathOf('w')}.2`)).toBe(true);
    expect(logs.rotateIfLarge('w')).toBe(false);
    expect(logs.tail('w', 5)).toBe('');
  });
});
