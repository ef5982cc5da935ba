/** The primary language code of a tag (`fr-FR` → `fr`, `en_US` → `en`). */
export function languageCode(tag: string): string {
  return tag.trim().toLowerCase().replaceAll('_', '-').split('-')[0] ?? '';
}

function normalTag(tag: string): string {
  return tag.trim().toLowerCase().replaceAll('_', '-');
}

/** The most likely full tag of a bare language code by CLDR (`en` → `en-us`, `fr` → `fr-fr`), or null. */
function likelyTag(code: string): string | null {
  try {
    const region = new Intl.Locale(code).maximize().region;
    return region ? `${code}-${region.toLowerCase()}` : null;
  } catch {
    return null;
  }
}

/**
 * The voice that speaks a language, in the order the engine lists its voices: first one whose own
 * language is exactly the tag asked (`en-us`); for a bare code, one whose own language is the code's
 * most likely tag by CLDR (`fr` → `fr-fr`, not `fr-be`); then one that lists the tag among its
 * languages, then one of the same language code. Null when none.
 */
export function voiceForLanguage(
  voices: readonly { id: string; languages: readonly string[] }[],
  language: string,
): string | null {
  const wanted = normalTag(language);
  const code = languageCode(wanted);
  const primaryIs = (tag: string) =>
    voices.find((voice) => voice.languages[0] !== undefined && normalTag(voice.languages[0]) === tag);
  const primary = primaryIs(wanted);
  if (primary) return primary.id;
  const likely = wanted === code ? likelyTag(code) : null;
  const likelyVoice = likely ? primaryIs(likely) : undefined;
  if (likelyVoice) return likelyVoice.id;
  const listed = voices.find((voice) => voice.languages.some((tag) => normalTag(tag) === wanted));
  if (listed) return listed.id;
  const sameCode = voices.find((voice) => voice.languages.some((tag) => languageCode(tag) === code));
  return sameCode?.id ?? null;
}
