/** UTF-8 when the bytes are valid UTF-8 (BOM or not), otherwise Windows-1252, which old texts use. */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}
