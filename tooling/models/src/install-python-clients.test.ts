import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRequiringPythonClients } from './describe-requiring-models.js';
import { installPythonClients, pythonClientsRequirements } from './install-python-clients.js';
import { parsePinnedRequirements } from './pinned-requirements.js';
import {
  pythonClientsFolder,
  pythonClientsPython,
  readPythonClientsManifest,
} from './python-clients-manifest.js';
import { repositoryRoot } from './repository-root.js';

/**
 * A stand-in for python3 whose `-m venv DIR` makes a fake venv python: asked what is installed (`-c`),
 * it prints the state file; `-m pip install` records the call and installs what `after-pip.json` says.
 */
function fakeMachine(requirements: string, afterPip: Record<string, string>) {
  const folder = mkdtempSync(join(tmpdir(), 'klody-fake-python-'));
  const root = join(folder, 'root');
  mkdirSync(join(root, 'tooling', 'models'), { recursive: true });
  writeFileSync(join(root, pythonClientsRequirements), requirements);
  const state = join(folder, 'state');
  mkdirSync(state);
  writeFileSync(join(state, 'after-pip.json'), JSON.stringify({ python: '3.11.7', installed: afterPip }));
  const venvPython = join(folder, 'venv-python');
  writeFileSync(
    venvPython,
    [
      '#!/bin/sh',
      `if [ "$1" = "-c" ]; then cat "${state}/installed.json" 2>/dev/null || echo '{"python":"3.11.7","installed":{}}'; exit 0; fi`,
      `if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then echo "$*" >> "${state}/pip-calls"; cp "${state}/after-pip.json" "${state}/installed.json"; exit 0; fi`,
      'exit 3',
    ].join('\n'),
  );
  chmodSync(venvPython, 0o755);
  const python = join(folder, 'python3');
  writeFileSync(
    python,
    `#!/bin/sh\n[ "$1 $2" = "-m venv" ] || exit 3\nmkdir -p "$3/bin" && cp "${venvPython}" "$3/bin/python"\n`,
  );
  chmodSync(python, 0o755);
  const pipCalls = () =>
    existsSync(join(state, 'pip-calls'))
      ? readFileSync(join(state, 'pip-calls'), 'utf8').trim().split('\n')
      : [];
  return { root, python, state, target: join(folder, 'python-clients'), pipCalls };
}

describe('installing the Python clients', () => {
  it('creates the venv and installs the pins once; a second run only checks them', async () => {
    const machine = fakeMachine('# clients\nmcp==2.3.0\ntyping_extensions==4.16.0\n', {
      mcp: '2.3.0',
      typing_extensions: '4.16.0',
    });
    const lines: string[] = [];
    const first = await installPythonClients({
      root: machine.root,
      folder: machine.target,
      python: machine.python,
      log: (line) => lines.push(line),
    });
    expect(first).toMatchObject({
      outcome: 'installed',
      python: '3.11.7',
      packages: { mcp: '2.3.0', typing_extensions: '4.16.0' },
    });
    expect(first.executable).toBe(pythonClientsPython(first.folder));
    expect(machine.pipCalls()).toEqual([
      `-m pip install --disable-pip-version-check --no-input -r ${join(machine.root, pythonClientsRequirements)}`,
    ]);
    expect(lines.join('\n')).toMatch(/2 to install: mcp==2\.3\.0, typing_extensions==4\.16\.0/);
    expect(readPythonClientsManifest(machine.target)?.packages).toEqual({
      mcp: '2.3.0',
      typing_extensions: '4.16.0',
    });

    const second = await installPythonClients({
      root: machine.root,
      folder: machine.target,
      python: '/nonexistent/python3',
      log: () => {},
    });
    expect(second.outcome).toBe('checked');
    expect(machine.pipCalls()).toHaveLength(1);
  });

  it('runs pip again when a pin changes, and fails when pip did not bring it', async () => {
    const machine = fakeMachine('mcp==2.3.0\n', { mcp: '2.3.0' });
    const options = { root: machine.root, folder: machine.target, python: machine.python, log: () => {} };
    await installPythonClients(options);
    writeFileSync(join(machine.root, pythonClientsRequirements), 'mcp==2.4.0\n');
    await expect(installPythonClients(options)).rejects.toThrow(/pip ran, yet mcp==2\.4\.0 \(has 2\.3\.0\)/);
    expect(machine.pipCalls()).toHaveLength(2);
  });

  it('refuses a requirements file that is not exact pins, before creating anything', async () => {
    const machine = fakeMachine('mcp>=2\n', {});
    await expect(
      installPythonClients({
        root: machine.root,
        folder: machine.target,
        python: machine.python,
        log: () => {},
      }),
    ).rejects.toThrow(/python-clients-requirements\.txt: line 1 is not an exact pin/);
    expect(existsSync(machine.target)).toBe(false);
  });
});

describeRequiringPythonClients('the installed Python clients', () => {
  it('hold every pin: a second install only checks, and the MCP SDK imports at its pinned version', async () => {
    const folder = pythonClientsFolder(repositoryRoot);
    const started = Date.now();
    const result = await installPythonClients({ root: repositoryRoot, folder, log: () => {} });
    expect(result.outcome).toBe('checked');
    expect(Date.now() - started).toBeLessThan(15_000);
    const pins = parsePinnedRequirements(
      readFileSync(join(repositoryRoot, pythonClientsRequirements), 'utf8'),
    );
    expect(result.packages).toEqual(Object.fromEntries(pins.map((pin) => [pin.name, pin.version])));
    const imported = spawnSync(
      result.executable,
      [
        '-c',
        'import importlib.metadata, mcp; from mcp.client.streamable_http import streamable_http_client; print(importlib.metadata.version("mcp"))',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(imported.stderr).toBe('');
    expect(imported.stdout.trim()).toBe(result.packages.mcp);
  });
});
