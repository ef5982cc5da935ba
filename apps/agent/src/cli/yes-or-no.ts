/** The answers the terminal takes to a yes/no question, in French and English. */
const yes = new Set(['oui', 'o', 'yes', 'y']);
const no = new Set(['non', 'n', 'no']);

/** true for oui/yes, false for non/no (any case), null for anything else: the question is asked again. */
export function yesOrNo(answer: string): boolean | null {
  const word = answer.trim().toLowerCase();
  if (yes.has(word)) return true;
  if (no.has(word)) return false;
  return null;
}
