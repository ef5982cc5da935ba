import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serverNamePattern } from './mcp-config-schema.js';
import { readMcpConfig } from './read-mcp-config.js';

let folder: string;
let path: string;
const write = (text: string) => writeFileSync(path, text);

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'klody-mcp-config-'));
  path = join(folder, 'mcp.yaml');
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

/** The error of the one server in the file. */
function serverError(yaml: string, env: NodeJS.ProcessEnv = {}): string | null {
  write(yaml);
  const reading = readMcpConfig(path, env);
  expect(reading.error).toBeNull();
  return reading.servers[0]?.error ?? null;
}

describe('readMcpConfig', () => {
  it('reads a stdio and an HTTP server, with defaults and environment references in env and headers', () => {
    write(`
servers:
  files:
    command: node
    args: [server.js, /tmp/allowed]
    env: { TOKEN: "\${env.FILES_TOKEN}", PLAIN: "a \${env.MISSING_IS_NOT_HERE" }
    cwd: servers
    timeoutSeconds: 2.5
  web:
    url: https://example.test/mcp
    headers: { Authorization: "Bearer \${env.WEB_TOKEN}" }
    enabled: false
`);
    const reading = readMcpConfig(path, { FILES_TOKEN: 'secret-1', WEB_TOKEN: 'secret-2' });
    expect(reading).toEqual({
      path,
      error: null,
      servers: [
        {
          name: 'files',
          error: null,
          settings: {
            name: 'files',
            declaration: {
              command: 'node',
              args: ['server.js', '/tmp/allowed'],
              env: { TOKEN: 'secret-1', PLAIN: 'a ${env.MISSING_IS_NOT_HERE' },
              // Relative to mcp.yaml's folder.
              cwd: join(folder, 'servers'),
            },
            timeoutMs: 2_500,
            enabled: true,
          },
        },
        {
          name: 'web',
          error: null,
          settings: {
            name: 'web',
            declaration: { url: 'https://example.test/mcp', headers: { Authorization: 'Bearer secret-2' } },
            timeoutMs: null,
            enabled: false,
          },
        },
      ],
    });
  });

  it('reads a missing file, an empty one and an empty servers: as no servers', () => {
    expect(readMcpConfig(path)).toEqual({ path, error: null, servers: [] });
    write('');
    expect(readMcpConfig(path)).toEqual({ path, error: null, servers: [] });
    write('servers:\n');
    expect(readMcpConfig(path)).toEqual({ path, error: null, servers: [] });
  });

  it('names the file for what spoils the whole file: YAML syntax, an unknown top-level field, servers as a list', () => {
    write('servers:\n  files:\n    command: [unclosed\n');
    expect(readMcpConfig(path).error).toMatch(
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid YAML: `),
    );
    write('server:\n  files: { command: node }\n');
    expect(readMcpConfig(path)).toEqual({
      path,
      error: `${path}: top level: unknown field "server"`,
      servers: [],
    });
    write('servers:\n  - command: node\n');
    expect(readMcpConfig(path).error).toBe(`${path}: servers: must be a mapping of server names to servers`);
    write('servers:\n  a: { command: x }\n  a: { command: y }\n');
    expect(readMcpConfig(path).error).toBe(`${path}: not valid YAML: Map keys must be unique`);
  });

  it('names the file, the server and the field of a wrong entry, and keeps the other servers', () => {
    write(`
servers:
  good: { command: node }
  bad: { command: node, args: [1] }
`);
    const reading = readMcpConfig(path);
    expect(reading.servers.map((server) => [server.name, server.error])).toEqual([
      ['good', null],
      ['bad', `${path}: servers.bad.args.0: must be text (quote numbers: "8080")`],
    ]);
  });

  it.each([
    ['x: { command: "" }', 'servers.x.command: must not be empty'],
    [
      'x: { command: node, env: { PORT: 8080 } }',
      'servers.x.env.PORT: must be text (quote numbers and booleans: "8080")',
    ],
    ['x: { command: node, timeoutSeconds: 0 }', 'servers.x.timeoutSeconds: must be more than 0 seconds'],
    ['x: { command: node, timeoutSeconds: "5" }', 'servers.x.timeoutSeconds: must be a number of seconds'],
    ['x: { command: node, enabled: "yes" }', 'servers.x.enabled: must be true or false'],
    ['x: { command: node, url: "http://a" }', 'servers.x: has both command and url'],
    ['x: { args: [a] }', 'servers.x: needs command (a program over stdio) or url'],
    ['x: { command: node, comand: typo }', 'servers.x: unknown field "comand"'],
    ['x: { url: "ftp://host/mcp" }', 'servers.x.url: must be an http:// or https:// URL'],
    ['x: { url: "http://a/mcp", env: { A: b } }', 'servers.x: unknown field "env"'],
    ['x: node', 'servers.x: must be a mapping with command'],
    ['Files: { command: node }', 'servers.Files: "Files" is not a valid server name'],
    ['my__files: { command: node }', 'servers.my__files: "my__files" is not a valid server name'],
    [
      `x: { url: "http://a/mcp", headers: { Authorization: "Bearer ${'$'}{env.NOT_SET_HERE}" } }`,
      `servers.x.headers.Authorization: ${'$'}{env.NOT_SET_HERE} is not set`,
    ],
  ])('%s → %s', (entry, expected) => {
    const error = serverError(`servers:\n  ${entry}\n`);
    expect(error).toContain(`${path}: ${expected}`);
  });

  it('never puts a secret in an error message', () => {
    const error = serverError(
      `servers:\n  x: { url: "http://a/mcp", headers: { A: "${'$'}{env.SET}", B: "${'$'}{env.UNSET}" } }\n`,
      {
        SET: 'top-secret-value',
      },
    );
    expect(error).toMatch(/UNSET/);
    expect(error).not.toMatch(/top-secret-value/);
  });
});

describe('serverNamePattern', () => {
  it.each([
    ['files', true],
    ['my-files_2', true],
    ['a', true],
    ['my__files', false],
    ['files_', false],
    ['-files', false],
    ['Files', false],
    ['files.d', false],
    ['x'.repeat(32), true],
    ['x'.repeat(33), false],
  ])('%s → %s', (name, valid) => {
    expect(serverNamePattern.test(name)).toBe(valid);
  });
});
