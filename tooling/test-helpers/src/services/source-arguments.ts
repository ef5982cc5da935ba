/**
 * The node arguments that run one of this repository's TypeScript entry points from its sources, as
 * `pnpm <app>` does: tsx loads the TypeScript, and the `@klody/source` condition makes the workspace
 * packages resolve to their sources, so a test needs no build. Run them with the repository root as
 * the working folder: `entry` is relative to it, and tsx is found there.
 */
export function sourceArguments(entry: string, args: readonly string[] = []): string[] {
  return ['--conditions=@klody/source', '--import', 'tsx', entry, ...args];
}
