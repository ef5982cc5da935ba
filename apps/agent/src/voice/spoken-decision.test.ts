import { describe, expect, it } from 'vitest';
import { isSpokenCancel, normalizeSpokenText, parseSpokenDecision } from './spoken-decision.js';

describe('a spoken decision', () => {
  it.each([
    ['Oui.', 'approve'],
    ['oui, oui', 'approve'],
    ["D'accord !", 'approve'],
    ['Vas-y.', 'approve'],
    ['OK, vas-y', 'approve'],
    ['Yes please.', 'approve'],
    ['Sure, go ahead.', 'approve'],
    ['Non.', 'deny'],
    ['Non merci.', 'deny'],
    ['Annule !', 'deny'],
    ['Arrête.', 'deny'],
    ['No.', 'deny'],
    ["Don't.", 'deny'],
    ['Cancel that', 'deny'],
  ] as const)('%s → %s', (heard, decision) => {
    expect(parseSpokenDecision(heard)).toBe(decision);
  });

  it.each([
    'Oui mais non.',
    'Je ne sais pas.',
    'Quelle heure est-il ?',
    'Oui, et puis allume aussi la lumière du bureau et la cafetière.',
    '',
    '...',
  ])('%s is not a decision', (heard) => {
    expect(parseSpokenDecision(heard)).toBeNull();
  });

  it('hears "stop" and "non" as asking a running tool to stop, not "oui"', () => {
    expect(isSpokenCancel('Stop !')).toBe(true);
    expect(isSpokenCancel('Non, arrête.')).toBe(true);
    expect(isSpokenCancel('Oui.')).toBe(false);
  });

  it('normalizes case, accents and punctuation', () => {
    expect(normalizeSpokenText("  D'ACCORD, ça marche ! ")).toBe('d accord ca marche');
  });
});
