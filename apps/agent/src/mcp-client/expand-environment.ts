const reference = /\$\{env\.([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces every `${env.NAME}` in `value` with the variable's value, so that secrets (a token in a
 * header) live in the environment rather than in mcp.yaml. A variable that is not set is an error
 * naming it (never its neighbours' values); nothing else is expanded.
 */
export function expandEnvironment(
  value: string,
  env: NodeJS.ProcessEnv,
): { ok: true; value: string } | { ok: false; missing: string } {
  let missing: string | null = null;
  const expanded = value.replace(reference, (_whole, name: string) => {
    const found = env[name];
    if (found === undefined) {
      missing ??= name;
      return '';
    }
    return found;
  });
  return missing === null ? { ok: true, value: expanded } : { ok: false, missing };
}
