import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { McpServerDeclaration } from '@klody/mcp';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { expandEnvironment } from './expand-environment.js';
import type { McpConfigReading, McpServerEntry } from './mcp-config.js';
import {
  httpServerSchema,
  mcpFileSchema,
  serverNamePattern,
  serverNameRule,
  stdioServerSchema,
} from './mcp-config-schema.js';

/** `servers.files.args.0: must be text` — where in the file, then what is wrong. */
function issueText(prefix: string, issue: z.core.$ZodIssue): string {
  const path = [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.') || 'top level';
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => `"${key}"`).join(', ');
    return `${path}: unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}`;
  }
  return `${path}: ${issue.message}`;
}

/** Expands `${env.NAME}` in a mapping's values; the first missing variable is an error naming the field. */
function expandValues(
  values: Record<string, string> | undefined,
  where: string,
  env: NodeJS.ProcessEnv,
): { ok: true; values: Record<string, string> | undefined } | { ok: false; error: string } {
  if (!values) return { ok: true, values };
  const expanded: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    const result = expandEnvironment(value, env);
    if (!result.ok) {
      return {
        ok: false,
        error: `${where}.${key}: \${env.${result.missing}} is not set in the agent's environment`,
      };
    }
    expanded[key] = result.value;
  }
  return { ok: true, values: expanded };
}

function readServer(name: string, raw: unknown, path: string, env: NodeJS.ProcessEnv): McpServerEntry {
  const where = `servers.${name}`;
  const fail = (message: string): McpServerEntry => ({ name, settings: null, error: `${path}: ${message}` });
  if (!serverNamePattern.test(name))
    return fail(`${where}: "${name}" is not a valid server name (${serverNameRule})`);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return fail(`${where}: must be a mapping with command (a program over stdio) or url (streamable HTTP)`);
  }
  const hasCommand = 'command' in raw;
  const hasURL = 'url' in raw;
  if (hasCommand && hasURL) {
    return fail(`${where}: has both command and url; a server is either a command (stdio) or a url (HTTP)`);
  }
  if (!hasCommand && !hasURL) {
    return fail(`${where}: needs command (a program over stdio) or url (a streamable HTTP endpoint)`);
  }
  let declaration: McpServerDeclaration;
  let timeoutSeconds: number | undefined;
  let enabled: boolean | undefined;
  if (hasCommand) {
    const parsed = stdioServerSchema.safeParse(raw);
    if (!parsed.success) return fail(parsed.error.issues.map((issue) => issueText(where, issue))[0] ?? where);
    const environment = expandValues(parsed.data.env, `${where}.env`, env);
    if (!environment.ok) return fail(environment.error);
    const { command, args, cwd } = parsed.data;
    declaration = {
      command,
      ...(args ? { args } : {}),
      ...(environment.values ? { env: environment.values } : {}),
      // A relative folder is read from mcp.yaml's folder, not from wherever the agent was started.
      ...(cwd ? { cwd: isAbsolute(cwd) ? cwd : resolve(dirname(path), cwd) } : {}),
    };
    ({ timeoutSeconds, enabled } = parsed.data);
  } else {
    const parsed = httpServerSchema.safeParse(raw);
    if (!parsed.success) return fail(parsed.error.issues.map((issue) => issueText(where, issue))[0] ?? where);
    const headers = expandValues(parsed.data.headers, `${where}.headers`, env);
    if (!headers.ok) return fail(headers.error);
    declaration = { url: parsed.data.url, ...(headers.values ? { headers: headers.values } : {}) };
    ({ timeoutSeconds, enabled } = parsed.data);
  }
  return {
    name,
    settings: {
      name,
      declaration,
      timeoutMs: timeoutSeconds === undefined ? null : timeoutSeconds * 1_000,
      enabled: enabled ?? true,
    },
    error: null,
  };
}

/**
 * Reads `$KLODY_HOME/agent/mcp.yaml`. A missing file means no servers. Errors never throw: they are
 * returned naming the file, the server and the field, so that a running agent can keep its previous
 * servers and show why (an invalid entry spoils only its own server).
 */
export function readMcpConfig(path: string, env: NodeJS.ProcessEnv = process.env): McpConfigReading {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { path, error: null, servers: [] };
    return { path, error: `${path}: cannot be read (${(error as Error).message})`, servers: [] };
  }
  const document = parseDocument(text, { prettyErrors: false });
  const yamlError = document.errors[0];
  if (yamlError) {
    const firstLine = yamlError.message.split('\n')[0] ?? yamlError.message;
    return { path, error: `${path}: not valid YAML: ${firstLine}`, servers: [] };
  }
  const parsed = mcpFileSchema.safeParse(document.toJS() ?? {});
  if (!parsed.success) {
    return {
      path,
      error: `${path}: ${parsed.error.issues.map((issue) => issueText('', issue)).join('; ')}`,
      servers: [],
    };
  }
  const servers = Object.entries(parsed.data.servers ?? {}).map(([name, raw]) =>
    readServer(name, raw, path, env),
  );
  return { path, error: null, servers };
}
