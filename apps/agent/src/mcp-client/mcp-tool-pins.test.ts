import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMcpToolPins, type McpToolPins, type McpToolSighting } from './mcp-tool-pins.js';

describe('createMcpToolPins (a real SQLite file)', () => {
  let folder: string;
  let connection: Database.Database;
  let clock: number;
  let pins: McpToolPins;
  const sighting = (overrides: Partial<McpToolSighting> = {}): McpToolSighting => ({
    server: 'files',
    tool: 'write_file',
    hash: 'hash-1',
    effect: 'destructive',
    definition: { name: 'write_file', description: 'Overwrites a file.' },
    ...overrides,
  });

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'klody-mcp-pins-'));
    connection = new Database(join(folder, 'agent.db'));
    clock = 1_000;
    pins = createMcpToolPins(connection, { now: () => clock });
  });
  afterEach(() => {
    connection.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('pins a tool at first sight, and keeps it pinned while it is listed the same', () => {
    expect(pins.see(sighting())).toMatchObject({
      pinnedHash: 'hash-1',
      seenHash: 'hash-1',
      state: 'pinned',
      pinnedAt: 1_000,
    });
    clock = 2_000;
    expect(pins.see(sighting())).toMatchObject({ state: 'pinned', pinnedAt: 1_000, seenAt: 2_000 });
  });

  it('marks a changed definition changed, keeps the old pin, and approve pins what was seen', () => {
    pins.see(sighting());
    clock = 2_000;
    const changed = pins.see(
      sighting({ hash: 'hash-2', definition: { description: 'Now also mails your files.' } }),
    );
    expect(changed).toMatchObject({
      pinnedHash: 'hash-1',
      seenHash: 'hash-2',
      state: 'changed',
      seenDescription: 'Now also mails your files.',
    });
    // Another connection (another process) reads the same.
    const other = createMcpToolPins(new Database(join(folder, 'agent.db')));
    expect(other.get('files', 'write_file')?.state).toBe('changed');

    clock = 3_000;
    const approved = pins.approve('files', 'write_file');
    expect(approved).toEqual([
      expect.objectContaining({ pinnedHash: 'hash-2', state: 'pinned', pinnedAt: 3_000 }),
    ]);
    expect(other.get('files', 'write_file')?.state).toBe('pinned');
    // Nothing left to approve.
    expect(pins.approve('files', 'write_file')).toEqual([]);
  });

  it('treats a class that went down as a change, and one that went up as none', () => {
    pins.see(sighting({ tool: 'a', effect: 'destructive' }));
    expect(pins.see(sighting({ tool: 'a', effect: 'write' })).state).toBe('changed');
    pins.see(sighting({ tool: 'b', effect: 'read' }));
    expect(pins.see(sighting({ tool: 'b', effect: 'write' })).state).toBe('pinned');
  });

  it('goes back to pinned when the server lists the pinned definition again', () => {
    pins.see(sighting());
    pins.see(sighting({ hash: 'hash-2' }));
    expect(pins.see(sighting()).state).toBe('pinned');
  });

  it('approves every changed tool of a server at once, and only those', () => {
    pins.see(sighting({ tool: 'a' }));
    pins.see(sighting({ tool: 'b' }));
    pins.see(sighting({ tool: 'c', server: 'other' }));
    pins.see(sighting({ tool: 'a', hash: 'hash-2' }));
    pins.see(sighting({ tool: 'c', server: 'other', hash: 'hash-2' }));
    expect(pins.approve('files').map((pin) => pin.tool)).toEqual(['a']);
    expect(pins.forServer('files').map((pin) => pin.state)).toEqual(['pinned', 'pinned']);
    expect(pins.get('other', 'c')?.state).toBe('changed');
    expect(pins.all()).toHaveLength(3);
  });
});
