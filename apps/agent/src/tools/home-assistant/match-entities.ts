import { foldText as fold } from '../../text/fold-text.js';
import type { HomeAssistantEntity } from './home-assistant-entity.js';

export interface EntityMatch {
  entities: HomeAssistantEntity[];
  /** False when no entity has every word of the filter: `entities` are those that have the most. */
  complete: boolean;
}

/**
 * The entities whose id or friendly name has every word of `filter`, case and accents aside, so
 * "lumière chambre" finds light.chambre "Lumière de la chambre". When none has them all (a model
 * that adds a word the names lack: "allume lumière chambre"), the entities with the most words are
 * kept, and `complete` says so.
 */
export function matchEntities(entities: readonly HomeAssistantEntity[], filter: string): EntityMatch {
  const words = fold(filter).split(' ').filter(Boolean);
  if (words.length === 0) return { entities: [...entities], complete: true };
  let best = 0;
  const scored = entities.map((entity) => {
    const haystack = ` ${fold(entity.entityId)} ${fold(entity.friendlyName ?? '')} `;
    const score = words.filter((word) => haystack.includes(word)).length;
    best = Math.max(best, score);
    return { entity, score };
  });
  if (best === 0) return { entities: [], complete: true };
  return {
    entities: scored.filter(({ score }) => score === best).map(({ entity }) => entity),
    complete: best === words.length,
  };
}
