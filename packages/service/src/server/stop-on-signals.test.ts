import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const repositoryRoot = join(packageRoot, '..', '..');

it('on SIGTERM, lets a request in progress finish, then exits 0', async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@klody/source', join(packageRoot, 'fixtures', 'slow-service.ts')],
    { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (chunk) => resolve(String(chunk).trim()));
      child.once('exit', () => reject(new Error(`the service exited early: ${stderr}`)));
    });
    const answer = fetch(`${url}/slow`).then((response) => response.json());
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill('SIGTERM');
    expect(await answer).toEqual({ finished: true });
    expect(await exited).toBe(0);
    expect(stderr).toContain('stopped cleanly');
  } finally {
    child.kill('SIGKILL');
  }
}, 30_000);
