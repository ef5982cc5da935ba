// `${env.NAME}` in the registry: every string value of the file may take a variable of the gateway's
// environment, so that secrets (a remote server's key) never sit in the file. Expansion runs on the
// parsed file, before validation, and again at each reload. `$${` writes a literal `${`.
import { GatewayError } from '../errors/index.js';

// `$${` (an escaped `${`), or `${env.` followed by whatever comes up to the next `}`.
const token = /\$\$\{|\$\{env\.([^}]*)\}/g;
const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The place of a value in the file, as a reader finds it: `workers[2].upstreamApiKey`. */
function placeOf(path: readonly (string | number)[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? part : `.${part}`;
  }
  return text || '(root)';
}

/**
 * One string with its variables replaced. An unset or empty variable, or a malformed reference, is an
 * `invalid_config` error naming the variable and `place` (never a value: the values are secrets).
 */
export function expandString(
  text: string,
  environment: Record<string, string | undefined>,
  place: string,
): string {
  if (!text.includes('${')) return text;
  const expanded = text.replace(token, (match, name: string | undefined) => {
    if (match === '$${') return '${';
    if (name === undefined || !variableName.test(name)) {
      throw new GatewayError(
        'invalid_config',
        `${place}: "\${env.${name ?? ''}}" is not a variable name (letters, digits and "_"; write "$\${" for a literal "\${")`,
      );
    }
    const value = environment[name];
    if (value === undefined || value === '') {
      throw new GatewayError(
        'invalid_config',
        `${place}: the environment variable ${name} is ${value === undefined ? 'not set' : 'empty'} (the registry asks for \${env.${name}})`,
      );
    }
    return value;
  });
  // `${env.` without its closing brace would silently stay in the value.
  if (text.replace(token, '').includes('${env.')) {
    throw new GatewayError('invalid_config', `${place}: "\${env." is not closed with "}"`);
  }
  return expanded;
}

/**
 * The parsed registry with `${env.NAME}` expanded in every string value (keys are left as written).
 * Returns new objects; `value` is not changed. `source` (the file) prefixes the errors.
 */
export function expandEnvironment(
  value: unknown,
  environment: Record<string, string | undefined>,
  source = 'registry',
): unknown {
  const walk = (current: unknown, path: (string | number)[]): unknown => {
    if (typeof current === 'string') {
      try {
        return expandString(current, environment, placeOf(path));
      } catch (error) {
        if (GatewayError.isInstance(error)) throw new GatewayError(error.code, `${source}: ${error.message}`);
        throw error;
      }
    }
    if (Array.isArray(current)) return current.map((item, index) => walk(item, [...path, index]));
    if (current !== null && typeof current === 'object') {
      return Object.fromEntries(
        Object.entries(current).map(([key, item]) => [key, walk(item, [...path, key])]),
      );
    }
    return current;
  };
  return walk(value, []);
}
