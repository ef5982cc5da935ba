/** How the stack starts, checks and stops one service. */
export interface ServiceDefinition {
  /** Short name, used to prefix the service's log lines. */
  name: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: Readonly<Record<string, string>>;
  /** The address a person opens, printed once the service is ready. */
  url: string;
  /** Polled until it answers 2xx; the service counts as started then. */
  healthUrl: string;
  /** How long the service may take to become healthy (default 120 s: first runs may ingest data). */
  readyTimeoutMs?: number;
  /** How long the service may take to stop after SIGTERM before its process group is killed (default 15 s). */
  stopGraceMs?: number;
}
