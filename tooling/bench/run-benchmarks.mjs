#!/usr/bin/env node
// `pnpm bench [name…]`: runs every benchmark (`<folder>/bench.ts` or `<folder>/*-bench.ts`), or only the named folders,
// one after the other (they measure time: running two at once on 2 cores would spoil both), on
// sources through tsx. Each one prints its own table and writes its JSON beside itself.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const folders = readdirSync(here).filter(
  (name) =>
    statSync(join(here, name)).isDirectory() &&
    name !== 'node_modules' &&
    (wanted.length === 0 || wanted.includes(name)),
);
const unknown = wanted.filter((name) => !folders.includes(name));
if (unknown.length > 0) {
  process.stderr.write(
    `bench: no benchmark folder ${unknown.join(', ')} (have: ${readdirSync(here).join(', ')})\n`,
  );
  process.exit(2);
}
let failed = 0;
for (const folder of folders.sort()) {
  for (const file of readdirSync(join(here, folder))
    .filter((name) => /(^|-)bench\.ts$/.test(name))
    .sort()) {
    process.stderr.write(`\n## ${folder}/${file}\n\n`);
    const result = spawnSync(
      process.execPath,
      ['--conditions=@klody/source', '--import', 'tsx', join(here, folder, file)],
      {
        stdio: 'inherit',
        cwd: join(here, '..', '..'),
      },
    );
    if (result.status !== 0) failed++;
  }
}
process.exit(failed === 0 ? 0 : 1);
