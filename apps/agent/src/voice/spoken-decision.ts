// What a short spoken answer means while the agent waits on something: an approval (yes / no) or a
// tool call that runs (stop). Only a clear, short answer counts: a sentence that merely contains "oui"
// is not a consent, and the approval stays asked.
import { foldText } from '../text/fold-text.js';

/** The answer heard, or null when it is not one. */
export type SpokenDecision = 'approve' | 'deny' | null;

const approvals = [
  'oui',
  'ouais',
  'oui oui',
  'oui vas y',
  'oui allez y',
  'oui merci',
  'oui s il te plait',
  'oui s il vous plait',
  'vas y',
  'allez y',
  'd accord',
  'ok',
  'okay',
  'ok vas y',
  'bien sur',
  'absolument',
  'exactement',
  'je confirme',
  'confirme',
  'c est bon',
  'yes',
  'yeah',
  'yep',
  'yes please',
  'sure',
  'go ahead',
  'do it',
  'confirm',
  'of course',
  'approve',
  'approved',
];

const refusals = [
  'non',
  'non merci',
  'non non',
  'surtout pas',
  'pas du tout',
  'annule',
  'annuler',
  'arrete',
  'stop',
  'laisse tomber',
  'refuse',
  'je refuse',
  'no',
  'nope',
  'no thanks',
  'no thank you',
  'cancel',
  'don t',
  'do not',
  'deny',
  'never mind',
  'abort',
];

/** Lower case, no accents, no punctuation, single spaces: "D'accord !" → "d accord". */
export const normalizeSpokenText = foldText;

const approvalSet = new Set(approvals);
const refusalSet = new Set(refusals);

/**
 * `approve` / `deny` for a short yes or no in French or English ("Oui.", "Non merci", "Vas-y", "No!"),
 * null for anything else: Whisper often adds a word ("Oui, oui."), so a repeated answer still counts,
 * but one that mixes yes and no does not.
 */
export function parseSpokenDecision(text: string): SpokenDecision {
  const normalized = normalizeSpokenText(text);
  if (!normalized) return null;
  if (approvalSet.has(normalized)) return 'approve';
  if (refusalSet.has(normalized)) return 'deny';
  const words = normalized.split(' ');
  if (words.length > 4) return null;
  const yes = words.some((word) => approvalSet.has(word));
  const no = words.some((word) => refusalSet.has(word));
  if (yes === no) return null;
  return yes ? 'approve' : 'deny';
}

/** Whether speech heard while a tool runs asks to stop it ("stop", "arrête", "non", "annule"). */
export function isSpokenCancel(text: string): boolean {
  return parseSpokenDecision(text) === 'deny';
}
