// `pnpm agent knowledge add|sync|list|remove`. `remove` deletes the path's sources from agent.db
// without asking: approvals guard what the model does, and this is the user's own command, typed by
// them (like `rm`). The files themselves are never touched.
import { renderTable } from '@klody/service';
import type { KnowledgeBase, KnowledgeSyncResult } from '../knowledge/knowledge-base.js';
import type { KnowledgeKindName } from '../knowledge/knowledge-kind.js';

export type KnowledgeCommand =
  | { command: 'knowledge-add'; path: string; kind: KnowledgeKindName | null; dryRun: boolean; json: boolean }
  | { command: 'knowledge-sync'; path: string | null; dryRun: boolean; json: boolean }
  | { command: 'knowledge-list'; json: boolean }
  | { command: 'knowledge-remove'; path: string; json: boolean };

interface Streams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

/** A sync's result as printed with --json: the report's fields at the top level. */
export function syncResultJson(result: KnowledgeSyncResult) {
  const { report } = result;
  return {
    path: result.path,
    kind: result.kind,
    dryRun: result.dryRun,
    added: report.added,
    updated: report.updated,
    unchanged: report.unchanged,
    removed: report.removed,
    failed: report.failed,
    skipped: report.skipped,
    passages: report.chunks,
    seconds: Number.isFinite(report.seconds) ? report.seconds : null,
  };
}

function syncLines(result: KnowledgeSyncResult): string {
  const { report } = result;
  const would = result.dryRun ? 'would be ' : '';
  const lines = [
    `${result.path} (${result.kind}): ${report.added} ${would}added, ${report.updated} ${would}updated, ` +
      `${report.unchanged} unchanged, ${report.removed} ${would}removed, ${report.failed.length} failed` +
      (result.dryRun
        ? ' (dry run: nothing changed)'
        : `, ${report.chunks} passage${report.chunks === 1 ? '' : 's'} written`),
    ...report.failed.map((failure) => `  failed ${failure.uri}: ${failure.message}`),
    ...report.skipped.map((skip) => `  skipped ${skip.uri}: ${skip.message}`),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * A progress line on stderr, rewritten in place, only when stderr is a terminal (CONTRACTS.md):
 * syncing a large folder or export takes minutes with an embedder.
 */
function progressLine(stderr: Streams['stderr']) {
  if (!stderr.isTTY) return { onProgress: undefined, clear: () => undefined };
  let shown = false;
  return {
    onProgress(progress: { done: number; total: number; chunks: number; path: string }) {
      shown = true;
      stderr.write(
        `\r\x1b[2K${progress.done}/${progress.total} sources, ${progress.chunks} passages — ${progress.path}`,
      );
    },
    clear() {
      if (shown) stderr.write('\r\x1b[2K');
    },
  };
}

/** Runs one knowledge command; returns the exit code (1 when a file could not be read). */
export async function runKnowledgeCommand(
  command: KnowledgeCommand,
  knowledge: KnowledgeBase,
  streams: Streams = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const print = (value: unknown) => streams.stdout.write(`${JSON.stringify(value)}\n`);
  switch (command.command) {
    case 'knowledge-add':
    case 'knowledge-sync': {
      const progress = progressLine(streams.stderr);
      const options = {
        dryRun: command.dryRun,
        ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
      };
      let results: KnowledgeSyncResult[];
      try {
        results =
          command.command === 'knowledge-add'
            ? [await knowledge.add(command.path, { ...options, kind: command.kind })]
            : await knowledge.sync(command.path, options);
      } finally {
        progress.clear();
      }
      if (command.json) {
        if (command.command === 'knowledge-add') print(syncResultJson(results[0] as KnowledgeSyncResult));
        else print({ roots: results.map(syncResultJson) });
      } else if (results.length === 0) {
        streams.stdout.write('nothing added yet: add a path with pnpm agent knowledge add <path>\n');
      } else {
        for (const result of results) streams.stdout.write(syncLines(result));
      }
      return results.some((result) => result.report.failed.length > 0) ? 1 : 0;
    }
    case 'knowledge-list': {
      const roots = knowledge.list();
      if (command.json) print({ roots });
      else if (roots.length === 0)
        streams.stdout.write('nothing added yet: add a path with pnpm agent knowledge add <path>\n');
      else
        streams.stdout.write(
          `${renderTable(
            ['path', 'kind', 'sources', 'passages', 'last sync'],
            roots.map((root) => [
              root.path,
              root.kind,
              String(root.sources),
              String(root.passages),
              root.lastSyncedAt ?? 'never',
            ]),
          ).join('\n')}\n`,
        );
      return 0;
    }
    case 'knowledge-remove': {
      const removed = await knowledge.remove(command.path);
      if (command.json) print(removed);
      else
        streams.stdout.write(
          `${removed.path} (${removed.kind}) removed from the agent's knowledge: ${removed.removedSources} sources deleted (the files are untouched)\n`,
        );
      return 0;
    }
  }
}
