import { z } from 'zod';

/**
 * Server names: lower-case letters, digits, `-` and single `_`, starting and ending with a letter or a
 * digit, at most 32. No `__`: it separates the server from the tool in `<server>__<tool>`, so a name
 * cut at its first `__` always gives back the server.
 */
export const serverNamePattern = /^(?=.{1,32}$)[a-z0-9](?:[a-z0-9-]|_(?!_))*(?<![_-])$/;

export const serverNameRule =
  'a server name uses a-z, 0-9, - and _ (never two _ in a row), starts and ends with a letter or a digit, at most 32 characters';

const text = z.string({ error: 'must be text' }).min(1, 'must not be empty');
/** YAML reads `8080` and `true` as a number and a boolean; an environment value must be quoted. */
const variableValue = z.string({ error: 'must be text (quote numbers and booleans: "8080")' });

const common = {
  timeoutSeconds: z
    .number({ error: 'must be a number of seconds' })
    .positive('must be more than 0 seconds')
    .max(3_600, 'must be at most 3600 seconds')
    .optional(),
  enabled: z.boolean({ error: 'must be true or false' }).optional(),
};

/** `command` (with `args`, `env`, `cwd`): a program started and spoken to over stdio. */
export const stdioServerSchema = z.strictObject({
  command: text,
  args: z
    .array(z.string({ error: 'must be text (quote numbers: "8080")' }), { error: 'must be a list' })
    .optional(),
  env: z.record(z.string(), variableValue, { error: 'must be a mapping of NAME: value' }).optional(),
  cwd: text.optional(),
  ...common,
});

/** `url` (with `headers`): a streamable HTTP endpoint. */
export const httpServerSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  headers: z
    .record(z.string(), variableValue, { error: 'must be a mapping of Header-Name: value' })
    .optional(),
  ...common,
});

/** The file: a `servers:` mapping of names to entries, each entry checked on its own. */
export const mcpFileSchema = z.strictObject({
  servers: z
    .record(z.string(), z.unknown(), { error: 'must be a mapping of server names to servers' })
    .nullable()
    .optional(),
});
