import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

describe('README example', () => {
  it('runs as written and prints a cited extractive answer with offsets', async () => {
    const readme = await readFile(join(packageRoot, 'README.md'), 'utf8');
    const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(example.split('\n').filter((line) => line.trim()).length).toBeLessThanOrEqual(10);
    const folder = await mkdtemp(join(tmpdir(), 'klody-memory-readme-'));
    // The example imports the package by name: run it from inside the package (self-reference).
    const script = join(packageRoot, `.readme-example-${process.pid}.mts`);
    try {
      await writeFile(script, example.replace("'memory.db'", JSON.stringify(join(folder, 'memory.db'))));
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', '--conditions=@klody/source', script],
        {
          cwd: packageRoot,
        },
      );
      expect(stdout.trim()).toMatch(
        /^The keeper climbed the tower\. He lit the great lamp at dusk so that ships saw the rocks\. \[1\] \d+ \d+$/,
      );
    } finally {
      await rm(script, { force: true });
      await rm(folder, { recursive: true, force: true });
    }
  });
});
