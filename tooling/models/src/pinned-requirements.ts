// A requirements file of exact pins (`name==version`, one a line) read as data, and compared with what
// a virtual environment holds: what lets a second install only check, without pip or the network.

export interface PinnedRequirement {
  /** The name as written in the file. */
  name: string;
  version: string;
}

/** PEP 503's normal form: `PyJWT`, `typing_extensions` and `typing-extensions` are one package. */
export function normalizePackageName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * The pins of a requirements file. Comments and blank lines are skipped; anything else that is not an
 * exact pin (a range, an option, a URL) is refused, since it could not be checked offline.
 */
export function parsePinnedRequirements(text: string): PinnedRequirement[] {
  const pins: PinnedRequirement[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line.length === 0) return;
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([A-Za-z0-9.+!_-]+)$/.exec(line);
    if (!match) throw new Error(`line ${index + 1} is not an exact pin (name==version): ${raw.trim()}`);
    pins.push({ name: match[1] as string, version: match[2] as string });
  });
  return pins;
}

export interface UnsatisfiedRequirement extends PinnedRequirement {
  /** The version the environment holds, or null when the package is not there. */
  installed: string | null;
}

/** The pins the environment does not hold at their version (`installed` maps any spelling of a name). */
export function unsatisfiedRequirements(
  pins: readonly PinnedRequirement[],
  installed: Readonly<Record<string, string | null>>,
): UnsatisfiedRequirement[] {
  const versions = new Map(
    Object.entries(installed).map(([name, version]) => [normalizePackageName(name), version]),
  );
  return pins.flatMap((pin) => {
    const version = versions.get(normalizePackageName(pin.name)) ?? null;
    return version === pin.version ? [] : [{ ...pin, installed: version }];
  });
}
