import { z } from 'zod';

/** The attributes worth showing a model: what a device is and its main reading. The rest is noise. */
const shownAttributes = [
  'device_class',
  'unit_of_measurement',
  'brightness',
  'current_temperature',
  'temperature',
  'percentage',
  'current_position',
] as const;

/** One entity as the tools show it (a state object of Home Assistant's REST API, trimmed). */
export interface HomeAssistantEntity {
  entityId: string;
  state: string;
  /** `attributes.friendly_name`: the name people gave it ("Lumière de la chambre"), or null. */
  friendlyName: string | null;
  /** A few attributes (unit, device class, brightness…), only those with a plain value. */
  attributes: Record<string, string | number | boolean>;
}

/** What Home Assistant sends for an entity; only the fields we read are checked. */
export const stateObjectSchema = z.object({
  entity_id: z.string().min(1),
  state: z.string(),
  attributes: z.record(z.string(), z.unknown()).optional(),
});

export function entityOf(state: z.output<typeof stateObjectSchema>): HomeAssistantEntity {
  const attributes: Record<string, string | number | boolean> = {};
  for (const name of shownAttributes) {
    const value = state.attributes?.[name];
    if (typeof value === 'string' || typeof value === 'boolean') attributes[name] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) attributes[name] = value;
  }
  const friendlyName = state.attributes?.friendly_name;
  return {
    entityId: state.entity_id,
    state: state.state,
    friendlyName: typeof friendlyName === 'string' && friendlyName.trim() !== '' ? friendlyName : null,
    attributes,
  };
}
