import type { Database } from 'better-sqlite3';

/** The SQL function that folds a metadata string the way `foldCase` folds a filter's value. */
export const foldCaseFunction = 'klody_fold_case';

/** Compared form of a metadata string: NFC (a macOS file name arrives decomposed) and lower case. */
export function foldCase(value: string): string {
  return value.normalize('NFC').toLowerCase();
}

// Functions are per connection; a WeakSet remembers which ones have it without keeping them alive.
const registered = new WeakSet<Database>();

/** Adds `klody_fold_case(text)` to the connection once (read-only connections included). */
export function registerFoldCase(connection: Database): void {
  if (registered.has(connection)) return;
  connection.function(foldCaseFunction, { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? foldCase(value) : value,
  );
  registered.add(connection);
}
