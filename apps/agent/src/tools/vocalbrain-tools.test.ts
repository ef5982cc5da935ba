// speak's file names and transcribe's checks of a recording path, on real files in a temp folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordingPath, speechFileName } from './vocalbrain-tools.js';

const folder = mkdtempSync(join(tmpdir(), 'klody-agent-recordings-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('speechFileName', () => {
  it('is sortable by time and unique per tool call, with no character a file name cannot hold', () => {
    expect(speechFileName(new Date('2026-11-30T23:10:05.123Z'), 'call_1')).toBe(
      'speech-20261130-231005-call_1.wav',
    );
    expect(speechFileName(new Date('2026-11-30T23:10:05Z'), '../../etc/passwd')).toBe(
      'speech-20261130-231005-etcpasswd.wav',
    );
    expect(speechFileName(new Date('2026-11-30T23:10:05Z'), '///')).toBe('speech-20261130-231005-call.wav');
  });
});

describe('recordingPath', () => {
  it('finds a bare file name in the audio folder and takes an absolute path as it is', async () => {
    writeFileSync(join(folder, 'memo.WAV'), 'RIFF....');
    expect(await recordingPath('memo.WAV', folder)).toBe(join(folder, 'memo.WAV'));
    expect(await recordingPath(join(folder, 'memo.WAV'), '/elsewhere')).toBe(join(folder, 'memo.WAV'));
  });

  it('refuses what is not a recording, a folder, an empty file and a missing one', async () => {
    await expect(recordingPath('/etc/passwd', folder)).rejects.toThrow(/"passwd" is not a recording/);
    mkdirSync(join(folder, 'folder.wav'));
    await expect(recordingPath('folder.wav', folder)).rejects.toThrow(/folder\.wav is not a file/);
    writeFileSync(join(folder, 'empty.ogg'), '');
    await expect(recordingPath('empty.ogg', folder)).rejects.toThrow(/empty\.ogg is empty/);
    await expect(recordingPath('gone.mp3', folder)).rejects.toThrow(
      `no recording at ${join(folder, 'gone.mp3')}`,
    );
  });
});
