/**
 * Text as people's words compare: lower case, accents removed, anything that is not a letter or a
 * digit a single space ("D'accord !" → "d accord", "Lumière" → "lumiere", "light.chambre" →
 * "light chambre"). For matching what someone said or typed, never for showing.
 */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
