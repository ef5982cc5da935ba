// The commands that keep the library as the user keeps it: `ingest --sync`, `maintain`, `reindex`.
// stdout carries the result (with --json, one line); progress goes to stderr.
import type { DatabaseMaintenanceReport, MaintainDatabaseOptions } from '@klody/memory';
import type { LibraryBrainConfig } from '../config/config.js';
import type { Library, SyncSummary } from '../library/library.js';
import { maintainLibrary } from '../library/maintenance.js';
import { createIngestProgress } from './progress-bar.js';

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function syncText(summary: SyncSummary): string {
  const lines = summary.dryRun
    ? [
        `dry run, nothing changed: ${summary.added} to add, ${summary.updated} to replace, ${summary.removed} to remove, ${summary.unchanged} unchanged`,
        ...summary.changes.map((change) => `  ${change.action}: ${change.path}`),
      ]
    : [
        `${summary.added} added, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.removed} removed, ${summary.failed.length} failed, ${summary.skipped.length} skipped; ${summary.chunks} passages in ${summary.seconds.toFixed(1)} s`,
        ...summary.changes
          .filter((change) => change.action === 'remove')
          .map((change) => `  removed: ${change.path}`),
        ...summary.failed.map((failure) => `  failed: ${failure.path}: ${failure.message}`),
        ...summary.skipped.map((skip) => `  skipped: ${skip.message}`),
      ];
  if (summary.warning) lines.push(`  warning: ${summary.warning}`);
  return `${lines.join('\n')}\n`;
}

/** `ingest --sync <folder> [--dry-run]`: exit 1 when a file failed, as `ingest`. */
export async function runSync(
  library: Library,
  folder: string,
  options: { dryRun: boolean; json: boolean },
): Promise<number> {
  const progress = createIngestProgress();
  const summary = await library.sync(folder, {
    dryRun: options.dryRun,
    onProgress: (update) => progress.update(update),
  });
  progress.stop();
  if (options.json) printJson(summary);
  else process.stdout.write(syncText(summary));
  return summary.failed.length > 0 ? 1 : 0;
}

function maintenanceText(report: DatabaseMaintenanceReport): string {
  const lines = [
    report.integrity.ok
      ? `integrity: ok (${report.integrity.check} check)`
      : `integrity: ${report.integrity.problems.length} problems\n${report.integrity.problems.map((problem) => `  ${problem}`).join('\n')}`,
    ...report.fullText.map(
      (entry) => `full text: ${entry.table} ${entry.action}${entry.reason ? ` (${entry.reason})` : ''}`,
    ),
    report.vectorIndex?.index
      ? `vectors: ${report.vectorIndex.vectors} (${report.vectorIndex.action === 'none' ? 'layout kept' : `inverted file ${report.vectorIndex.action}`})`
      : 'vectors: none',
    report.vacuum.done
      ? `vacuum: ${(report.vacuum.bytesBefore / 1_048_576).toFixed(1)} MiB → ${(report.vacuum.bytesAfter / 1_048_576).toFixed(1)} MiB`
      : `vacuum: not needed (${(report.vacuum.freeShare * 100).toFixed(1)} % free)`,
    `done in ${report.seconds.toFixed(1)} s`,
  ];
  return `${lines.join('\n')}\n`;
}

/** `maintain`: exit 1 when the integrity check found problems (the report names them). */
export async function runMaintain(
  config: LibraryBrainConfig,
  options: Pick<MaintainDatabaseOptions, 'check' | 'rebuildFullText' | 'vacuum'> & { json: boolean },
): Promise<number> {
  const report = await maintainLibrary(config, {
    check: options.check,
    rebuildFullText: options.rebuildFullText,
    vacuum: options.vacuum,
    onProgress: (progress) => {
      if (progress.state === 'started') process.stderr.write(`${progress.step}: ${progress.message}\n`);
    },
  });
  if (options.json) printJson(report);
  else process.stdout.write(maintenanceText(report));
  return report.integrity.ok ? 0 : 1;
}

/** `reindex`: the books' vectors brought to the embedder now, with progress on stderr. */
export async function runReindex(library: Library, options: { json: boolean }): Promise<number> {
  let last = '';
  const ticker = setInterval(() => {
    const status = library.vectorIndexStatus();
    const line =
      status.state === 'rebuilding' ? `re-embedding: ${status.done}/${status.total} passages` : status.state;
    if (line !== last) process.stderr.write(`${line}\n`);
    last = line;
  }, 1_000);
  try {
    const status = await library.reindex();
    if (!status) {
      // A configuration without an embedder: exit 2, as for bad configuration (CONTRACTS.md).
      const message =
        'no embedder: the gateway serves none (KLODY_EMBED_MODEL) and KLODY_EMBEDDER is not set; search stays lexical';
      if (options.json) printJson({ error: { code: 'invalid_configuration', message } });
      process.stderr.write(`library-brain: ${message}\n`);
      return 2;
    }
    if (options.json) printJson({ vectors: status });
    else if (status.state === 'failed') process.stdout.write(`reindex failed: ${status.error}\n`);
    else
      process.stdout.write(
        status.mode === 'unchanged'
          ? `the vectors are already ${status.to}'s: nothing to do\n`
          : status.mode === 'relabelled'
            ? `the vectors of ${status.from} are the same as ${status.to}'s: relabelled, nothing re-embedded\n`
            : `${status.total} passages re-embedded with ${status.to} (were ${status.from ?? 'without vectors'})\n`,
      );
    return status.state === 'failed' ? 1 : 0;
  } finally {
    clearInterval(ticker);
  }
}
