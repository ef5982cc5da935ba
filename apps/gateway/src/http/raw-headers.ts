// Reading one header of a worker's response without Node building the whole headers object.

/**
 * Whether raw header pairs (`IncomingMessage.rawHeaders`) hold `lowerCaseName`. Reading
 * `IncomingMessage.headers` instead builds the whole headers object on first use.
 */
export function hasRawHeader(rawHeaders: readonly string[], lowerCaseName: string): boolean {
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] as string;
    if (name.length === lowerCaseName.length && name.toLowerCase() === lowerCaseName) return true;
  }
  return false;
}
