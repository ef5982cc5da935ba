// Routes: several workers behind one alias (replicas: local managed ones, or a remote fleet of
// llama-server or vLLM machines), and the aliases tried in order when they are all down or refuse.
// The gateway stays one small process; a route is how it spreads load over engines that scale on
// their own. Wired into the registry in registry-schema.ts; used by src/routing.
import { z } from 'zod';

const positiveSeconds = z.number().finite().positive();

/** When a worker of a route is set aside, and for how long (one circuit breaker per worker). */
export const circuitBreakerSchema = z
  .object({
    /** Consecutive failures (unreachable, 5xx before any byte, timeouts) that open the circuit. */
    failureThreshold: z.number().int().positive().max(1000).default(3),
    /** How long an open circuit refuses requests before one trial request may go through. */
    coolDownSeconds: positiveSeconds.default(30),
  })
  .strict();

export const routeSchema = z
  .object({
    /** Worker names (not aliases) serving this alias; the least busy healthy one gets each request. */
    workers: z.array(z.string().min(1)).min(1),
    /** Aliases (routes, or a worker's name or alias) tried in order when every worker above failed. */
    fallbacks: z.array(z.string().min(1)).default([]),
    /** This route's workers' breaker settings; the registry's `circuitBreaker` fills what is not set. */
    circuitBreaker: z
      .object({
        failureThreshold: z.number().int().positive().max(1000).optional(),
        coolDownSeconds: positiveSeconds.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** `routes: { <alias>: { workers: [...], fallbacks: [...] } }`; none by default. */
export const routesSchema = z.record(z.string().min(1), routeSchema).default({});

export type RouteConfig = z.output<typeof routeSchema>;
export type Routes = z.output<typeof routesSchema>;
export type CircuitBreakerConfig = z.output<typeof circuitBreakerSchema>;

interface RoutedRegistry {
  workers: ReadonlyArray<{ name: string; aliases: readonly string[] }>;
  routes: Routes;
}

/**
 * Cross-checks: a route's name is no worker's name or alias, its workers exist (by name), its
 * fallbacks are known aliases, and no chain of fallbacks comes back to where it started.
 */
export function checkRoutes(registry: RoutedRegistry, context: z.core.$RefinementCtx): void {
  const workerOfAlias = new Map<string, string>();
  for (const worker of registry.workers) {
    for (const alias of [worker.name, ...worker.aliases]) workerOfAlias.set(alias, worker.name);
  }
  const workerNames = new Set(registry.workers.map((worker) => worker.name));
  const routes = registry.routes;
  const issue = (path: PropertyKey[], message: string) =>
    context.addIssue({ code: 'custom', message, path: ['routes', ...path] });

  for (const [routeName, route] of Object.entries(routes)) {
    const owner = workerOfAlias.get(routeName);
    if (owner !== undefined) {
      issue([routeName], `route "${routeName}" is already a name or alias of worker "${owner}"`);
    }
    const seen = new Set<string>();
    route.workers.forEach((worker, index) => {
      if (!workerNames.has(worker)) {
        const named = workerOfAlias.get(worker);
        issue(
          [routeName, 'workers', index],
          named === undefined
            ? `unknown worker "${worker}"`
            : `"${worker}" is an alias; list the worker's name "${named}"`,
        );
      }
      if (seen.has(worker)) issue([routeName, 'workers', index], `worker "${worker}" is listed twice`);
      seen.add(worker);
    });
    route.fallbacks.forEach((fallback, index) => {
      if (fallback === routeName) {
        issue([routeName, 'fallbacks', index], `route "${routeName}" cannot fall back to itself`);
      } else if (!(fallback in routes) && !workerOfAlias.has(fallback)) {
        issue([routeName, 'fallbacks', index], `unknown alias "${fallback}"`);
      }
    });
  }

  // Fallback chains between routes (a worker's alias ends a chain): a depth-first walk that reports
  // each cycle once, at the route where it was entered.
  const finished = new Set<string>();
  const walk = (routeName: string, trail: string[]): void => {
    if (finished.has(routeName)) return;
    const route = routes[routeName];
    if (!route) return;
    route.fallbacks.forEach((fallback, index) => {
      if (fallback === routeName || !(fallback in routes)) return;
      const start = trail.indexOf(fallback);
      if (start >= 0) {
        const cycle = [...trail.slice(start), routeName, fallback].join(' → ');
        issue([routeName, 'fallbacks', index], `fallback cycle: ${cycle}`);
        return;
      }
      walk(fallback, [...trail, routeName]);
    });
    finished.add(routeName);
  };
  for (const routeName of Object.keys(routes)) walk(routeName, []);
}
