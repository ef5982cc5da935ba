import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePinnedRequirements, unsatisfiedRequirements } from './pinned-requirements.js';
import { repositoryRoot } from './repository-root.js';

describe('pinned requirements', () => {
  it('reads exact pins, skipping comments and blank lines', () => {
    const text = '# clients\n\nmcp==2.3.0\ntyping_extensions == 4.16.0  # for pydantic\nPyJWT==2.15.1\n';
    expect(parsePinnedRequirements(text)).toEqual([
      { name: 'mcp', version: '2.3.0' },
      { name: 'typing_extensions', version: '4.16.0' },
      { name: 'PyJWT', version: '2.15.1' },
    ]);
  });

  it('refuses what it could not check offline, naming the line', () => {
    expect(() => parsePinnedRequirements('mcp==2.3.0\nanyio>=4\n')).toThrow(
      /line 2 is not an exact pin \(name==version\): anyio>=4/,
    );
    expect(() => parsePinnedRequirements('-r other.txt\n')).toThrow(/line 1/);
  });

  it('finds the pins an environment lacks or holds at another version, whatever the spelling', () => {
    const pins = parsePinnedRequirements(
      'mcp==2.3.0\ntyping_extensions==4.16.0\nPyJWT==2.15.1\nanyio==4.16.0\n',
    );
    const installed = { mcp: '2.2.0', 'typing-extensions': '4.16.0', pyjwt: '2.15.1', anyio: null };
    expect(unsatisfiedRequirements(pins, installed)).toEqual([
      { name: 'mcp', version: '2.3.0', installed: '2.2.0' },
      { name: 'anyio', version: '4.16.0', installed: null },
    ]);
    expect(
      unsatisfiedRequirements(pins, {
        mcp: '2.3.0',
        typing_extensions: '4.16.0',
        PyJWT: '2.15.1',
        anyio: '4.16.0',
      }),
    ).toEqual([]);
  });

  it('pins every Python client exactly, the MCP SDK first', () => {
    const pins = parsePinnedRequirements(
      readFileSync(join(repositoryRoot, 'tooling', 'models', 'python-clients-requirements.txt'), 'utf8'),
    );
    expect(pins[0]).toEqual({ name: 'mcp', version: '2.3.0' });
    expect(new Set(pins.map((pin) => pin.name.toLowerCase())).size).toBe(pins.length);
  });
});
