import { describe, expect, it } from 'vitest';
import type { HomeAssistantEntity } from './home-assistant-entity.js';
import { matchEntities } from './match-entities.js';

const entity = (entityId: string, friendlyName: string | null): HomeAssistantEntity => ({
  entityId,
  state: 'off',
  friendlyName,
  attributes: {},
});
const house = [
  entity('light.chambre', 'Lumière de la chambre'),
  entity('light.bureau', 'Lumière du bureau'),
  entity('sensor.bureau_temperature', 'Température du bureau'),
  entity('switch.cafetiere', 'Cafetière'),
  entity('light.unnamed', null),
];
const ids = (filter: string) => matchEntities(house, filter).entities.map((each) => each.entityId);

describe('matchEntities', () => {
  it('finds by the words of the friendly name, case and accents aside', () => {
    expect(ids('lumière chambre')).toEqual(['light.chambre']);
    expect(ids('LUMIERE CHAMBRE')).toEqual(['light.chambre']);
    expect(ids('cafetiere')).toEqual(['switch.cafetiere']);
    expect(ids('température')).toEqual(['sensor.bureau_temperature']);
  });

  it('finds by the entity id, whole or in words', () => {
    expect(ids('light.chambre')).toEqual(['light.chambre']);
    expect(ids('light')).toEqual(['light.chambre', 'light.bureau', 'light.unnamed']);
    expect(ids('bureau')).toEqual(['light.bureau', 'sensor.bureau_temperature']);
  });

  it('keeps the entities with the most words when none has them all, and says so', () => {
    const match = matchEntities(house, 'allume la lumière de la chambre');
    expect(match.entities.map((each) => each.entityId)).toEqual(['light.chambre']);
    expect(match.complete).toBe(false);
    expect(matchEntities(house, 'lumière chambre').complete).toBe(true);
  });

  it('finds nothing for words no entity has, and everything for an empty filter', () => {
    expect(ids('garage')).toEqual([]);
    expect(ids('  ')).toHaveLength(house.length);
  });
});
