import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot, testDataDir } from './test-data.js';

describe('testDataDir', () => {
  const root = repositoryRoot();

  it('defaults to ../shared/data beside the repository root', () => {
    expect(testDataDir({})).toBe(resolve(root, '..', 'shared', 'data'));
  });

  it('takes an absolute KLODY_TEST_DATA as it is', () => {
    expect(testDataDir({ KLODY_TEST_DATA: '/srv/klody-data' })).toBe('/srv/klody-data');
  });

  it('resolves a relative KLODY_TEST_DATA against the repository root, not the cwd', () => {
    expect(testDataDir({ KLODY_TEST_DATA: 'fixtures/data' }, join(root, 'tooling'))).toBe(
      join(root, 'fixtures/data'),
    );
  });
});

describe('repositoryRoot', () => {
  it('finds the folder holding pnpm-workspace.yaml from a nested folder', () => {
    const root = repositoryRoot();
    expect(repositoryRoot(join(root, 'tooling', 'test-helpers', 'src'))).toBe(root);
  });

  it('says so when called outside the repository', () => {
    const outside = mkdtempSync(join(tmpdir(), 'klody-outside-'));
    expect(() => repositoryRoot(outside)).toThrow(/not inside the Klody repository/);
  });
});
