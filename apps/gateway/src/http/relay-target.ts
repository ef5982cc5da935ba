// What the relay needs of a worker's URL, parsed once per worker and route: `new URL()` on every
// request cost more than the rest of setting the upstream request up (see tooling/bench/README.md).

export interface RelayTarget {
  protocol: string;
  hostname: string;
  port: string;
  /** Path and query, as http.request takes them. */
  path: string;
}

// Keys are a worker's base URL and a route: a registry's few workers × the relayed routes. The bound
// only guards against a registry reloaded again and again with new ports.
const maximumEntries = 256;
const targets = new Map<string, RelayTarget>();

/** `path` resolved against `baseUrl`, as `new URL(path, baseUrl)` would, from a cache. */
export function relayTarget(baseUrl: string, path: string): RelayTarget {
  const key = `${baseUrl}\n${path}`;
  let target = targets.get(key);
  if (target === undefined) {
    const url = new URL(path, baseUrl);
    target = {
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
    };
    if (targets.size >= maximumEntries) targets.clear();
    targets.set(key, target);
  }
  return target;
}
