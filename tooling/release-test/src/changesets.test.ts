import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import parseChangeset from '@changesets/parse';
import { repositoryRoot } from '@klody/test-helpers';
import { describe, expect, it } from 'vitest';

const folder = join(repositoryRoot(), '.changeset');
const published = ['@klody/memory', '@klody/gateway-client', '@klody/voice', '@klody/service'];

describe('changesets', () => {
  // A formatter once rewrote a changeset's front matter into a Markdown heading, and
  // `changeset version` could no longer read it.
  const files = readdirSync(folder).filter((name) => name.endsWith('.md') && name !== 'README.md');

  it.each(files)('%s parses, bumps a published package and says what changed', (name) => {
    const { releases, summary } = parseChangeset(readFileSync(join(folder, name), 'utf8'));
    expect(releases.length).toBeGreaterThan(0);
    for (const release of releases) {
      expect(published).toContain(release.name);
      expect(['patch', 'minor', 'major']).toContain(release.type);
    }
    expect(summary.trim().length).toBeGreaterThan(20);
  });
});
