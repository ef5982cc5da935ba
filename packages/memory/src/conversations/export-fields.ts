import { MemoryError } from '../errors/index.js';

// Reading an export's fields with errors that say where: the file, the conversation (its index and
// id) and the field. A user who gets "bad export" cannot fix anything; one who gets
// "conversations.json: conversation 12 (id 67a1…): field mapping is a string, expected an object"
// can open the file and look.

/** Where in an export a value sits: the file, then the conversation (and message) in words. */
export interface ExportPlace {
  file: string;
  /** `conversation 3 (id "abc")`, `conversation 3 (id "abc"), message 7`. */
  where: string;
}

export type JsonObject = Record<string, unknown>;

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string' && value.length <= 40) return `the string ${JSON.stringify(value)}`;
  return `a ${typeof value}`;
}

export function exportFieldError(
  place: ExportPlace,
  field: string,
  expected: string,
  value: unknown,
): MemoryError {
  return new MemoryError(
    'load_failed',
    `${place.file}: ${place.where}: field "${field}" is ${describeValue(value)}, expected ${expected}`,
  );
}

/** The value at a place is of the wrong kind altogether (a conversation that is not an object). */
export function exportItemError(place: ExportPlace, expected: string, value: unknown): MemoryError {
  return new MemoryError(
    'load_failed',
    `${place.file}: ${place.where} is ${describeValue(value)}, expected ${expected}`,
  );
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireObject(record: JsonObject, field: string, place: ExportPlace): JsonObject {
  const value = record[field];
  if (!isObject(value)) throw exportFieldError(place, field, 'an object', value);
  return value;
}

export function requireArray(record: JsonObject, field: string, place: ExportPlace): unknown[] {
  const value = record[field];
  if (!Array.isArray(value)) throw exportFieldError(place, field, 'an array', value);
  return value;
}

export function requireString(record: JsonObject, field: string, place: ExportPlace): string {
  const value = record[field];
  if (typeof value !== 'string') throw exportFieldError(place, field, 'a string', value);
  return value;
}

/** A string, or null when the field is absent or null; anything else is an error. */
export function optionalString(record: JsonObject, field: string, place: ExportPlace): string | null {
  const value = record[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw exportFieldError(place, field, 'a string or null', value);
  return value;
}

/** An ISO 8601 date string read back as UTC ISO (`…Z`), or null when absent. */
export function optionalIsoDate(record: JsonObject, field: string, place: ExportPlace): string | null {
  const value = optionalString(record, field, place);
  if (value === null) return null;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw exportFieldError(place, field, 'an ISO 8601 date', value);
  return new Date(time).toISOString();
}

/** Epoch seconds (ChatGPT's `create_time`, fractional) as UTC ISO, or null when absent. */
export function optionalEpochSeconds(record: JsonObject, field: string, place: ExportPlace): string | null {
  const value = record[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw exportFieldError(place, field, 'a number of seconds since 1970 or null', value);
  return new Date(Math.round(value * 1000)).toISOString();
}

/** `conversation 3 (id "abc")`: the 0-based index in the file, and the id when there is one. */
export function conversationPlace(file: string, index: number, id: unknown): ExportPlace {
  const named = typeof id === 'string' && id.length > 0 ? ` (id "${id}")` : '';
  return { file, where: `conversation ${index}${named}` };
}

export function messagePlace(place: ExportPlace, message: string | number): ExportPlace {
  return {
    file: place.file,
    where: `${place.where}, message ${typeof message === 'number' ? message : `"${message}"`}`,
  };
}
