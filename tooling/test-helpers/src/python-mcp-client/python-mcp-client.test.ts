// The helper's own edges, without a server of ours (packages/mcp drives its servers with it): a server
// that is not there, a server that never answers, and a client that is not installed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { freePort } from '../ports/index.js';
import { describeRequiring } from '../vitest.js';
import { runPythonMcpClient } from './python-mcp-client.js';

it('says how to install the client when it is missing', async () => {
  const env = { KLODY_PYTHON_CLIENTS_DIR: mkdtempSync(join(tmpdir(), 'klody-no-clients-')) };
  await expect(runPythonMcpClient({ url: 'http://127.0.0.1:1/mcp' }, [], { env })).rejects.toThrow(
    /Python MCP client \(mcp from PyPI\) is not installed .*run: pnpm klody-models install/,
  );
});

describeRequiring({ pythonMcpClient: true }, 'the Python MCP client when the server is not there', () => {
  it('reports a refused connection with ok false and exit code 1', async () => {
    const report = await runPythonMcpClient({ url: `http://127.0.0.1:${await freePort()}/mcp` });
    expect(report).toMatchObject({ ok: false, exitCode: 1, server: null, tools: [], calls: [] });
    expect(report.error?.type).toMatch(/ConnectError/);
  });

  it('reports a program that exits as a closed connection, with its stderr', async () => {
    const report = await runPythonMcpClient({
      stdio: { command: process.execPath, args: ['-e', 'console.error("no protocol here")'] },
    });
    expect(report).toMatchObject({ ok: false, exitCode: 1 });
    expect(report.error?.message).toMatch(/Connection closed/);
    expect(report.stderr).toContain('no protocol here');
  });

  it('gives up on a server that never answers, within the timeout', async () => {
    const report = await runPythonMcpClient(
      { stdio: { command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'] } },
      [],
      { timeoutMs: 2_000 },
    );
    expect(report).toMatchObject({ ok: false, exitCode: 1, error: { type: 'TimeoutError' } });
  });
});
