import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// npm, pnpm and vitest export variables describing the run that started the tests. A command run
// "as a user would" must not inherit them: under `npm test`, npm_config_local_prefix would make the
// consumer's `npm install` write into the repository, and an empty npm_config_allow_scripts would
// block better-sqlite3's compile.
const runVariables = /^(npm_|pnpm_|PNPM_PACKAGE_NAME$|PNPM_SCRIPT_SRC_DIR$|INIT_CWD$|VITEST|TEST$|NODE_ENV$)/;

// Network settings a machine may legitimately carry in its environment: kept.
const networkSettings = new Set([
  'npm_config_registry',
  'npm_config_cafile',
  'npm_config_proxy',
  'npm_config_https_proxy',
  'npm_config_noproxy',
  'npm_config_strict_ssl',
]);

/** The environment of a user's shell: this process's, minus what the test run itself added. */
export function userEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (runVariables.test(key) && !networkSettings.has(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/**
 * Node's own headers beside the running binary (Debian: /usr/include/node; official tarballs:
 * <prefix>/include/node), as scripts/bootstrap.mjs finds them: better-sqlite3 compiles against them
 * instead of letting node-gyp download headers.
 */
export function nodeHeadersPrefix(): string | null {
  const prefix = resolve(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node.h')) ? prefix : null;
}
