import { detectLanguage } from '@klody/memory';

export type UserLanguage = 'fr' | 'en';

/** The user's language from their message (French or English; English when it gives no clear sign). */
export function userLanguage(message: string): UserLanguage {
  return detectLanguage(message) === 'fr' ? 'fr' : 'en';
}

/** The questions a stopped turn puts to the user, in the user's language. */
export const stopQuestions = {
  maxSteps(language: UserLanguage, steps: number): string {
    const plural = steps === 1 ? '' : 's';
    return language === 'fr'
      ? `J'ai fait ${steps} étape${plural} sans terminer. Est-ce que je continue pour ${steps} étape${plural} de plus ?`
      : `I have taken ${steps} step${plural} without finishing. Shall I go on for ${steps} more step${plural}?`;
  },
  repeatedCall(language: UserLanguage, tool: string): string {
    return language === 'fr'
      ? `J'allais appeler ${tool} une deuxième fois avec les mêmes arguments ; je ne l'ai pas fait. Est-ce que je continue ?`
      : `I was about to call ${tool} a second time with the same arguments, and did not. Shall I go on?`;
  },
  approvalPending(language: UserLanguage, tools: readonly string[]): string {
    const names = tools.join(', ');
    return language === 'fr'
      ? `${names} attend votre accord. Approuvez-vous ?`
      : `${names} needs your approval. Do you approve?`;
  },
  unfinishedToolCall(language: UserLanguage): string {
    return language === 'fr'
      ? `Je devais appeler un outil, mais l'appel n'a pas abouti (coupé par la limite de longueur du modèle). Est-ce que je réessaie ?`
      : `I had to call a tool, but the call did not come out whole (the model's length limit cut it). Shall I try again?`;
  },
  invalidToolCall(language: UserLanguage, tool: string): string {
    return language === 'fr'
      ? `Je n'ai pas réussi à donner des arguments valides à ${tool}. Est-ce que je réessaie ?`
      : `I could not give ${tool} valid arguments. Shall I try again?`;
  },
};
