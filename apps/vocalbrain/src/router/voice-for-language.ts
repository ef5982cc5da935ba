/** The primary language code of a tag (`fr-FR` → `fr`, `en_US` → `en`). */
export function languageCode(tag: string): string {
  return tag.trim().toLowerCase().replaceAll('_', '-').split('-')[0] ?? '';
}

function normalTag(tag: string): string {
  return tag.trim().toLowerCase().replaceAll('_', '-');
}

/**
 * The voice that speaks a language, in the order the engine lists its voices: first one whose own
 * language is exactly the tag asked (`en-us`), then one that lists the tag among its languages (an
 * espeak-ng voice lists `fr` beside `fr-fr`), then one of the same language code. Null when none.
 */
export function voiceForLanguage(
  voices: readonly { id: string; languages: readonly string[] }[],
  language: string,
): string | null {
  const wanted = normalTag(language);
  const code = languageCode(wanted);
  const primary = voices.find(
    (voice) => voice.languages[0] !== undefined && normalTag(voice.languages[0]) === wanted,
  );
  if (primary) return primary.id;
  const listed = voices.find((voice) => voice.languages.some((tag) => normalTag(tag) === wanted));
  if (listed) return listed.id;
  const sameCode = voices.find((voice) => voice.languages.some((tag) => languageCode(tag) === code));
  return sameCode?.id ?? null;
}
