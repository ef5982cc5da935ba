// home_assistant_call (write, always asks): turns a light on, a switch off… in the real house. Its
// every call waits for the user, even at the user's own request with nothing untrusted read: the
// model may have picked the wrong device, and a lock or a heater is not undone by an apology.
import { z } from 'zod';
import { ToolError } from '../agent-tool.js';
import { defineTool } from '../define-tool.js';
import { capText, oneLine } from '../tool-text.js';
import type { HomeAssistantClient } from './home-assistant-client.js';
import { homeAssistantStatesToolName } from './home-assistant-states-tool.js';

export const homeAssistantCallToolName = 'home_assistant_call';

/** Keys of a service call's data that widen its target beyond `entity_id` (a whole area, a device). */
const targetKeys = ['entity_id', 'device_id', 'area_id', 'floor_id', 'label_id'];

const dataCharacters = 2_000;

export function createHomeAssistantCallTool(client: HomeAssistantClient) {
  return defineTool({
    name: homeAssistantCallToolName,
    description:
      'Control a device of the home through Home Assistant: turn a light or a switch on or off (allumer, éteindre), toggle it, set a brightness. E.g. "turn on the bedroom light" / « allume la lumière de la chambre » → domain "light", service "turn_on", entity_id "light.chambre". The user approves each call.',
    inputSchema: z.object({
      domain: z
        .string()
        .regex(/^[a-z_]+$/, 'must be a Home Assistant domain such as light or switch')
        .max(50)
        .describe('The kind of device: "light", "switch", "climate"…'),
      service: z
        .string()
        .regex(/^[a-z_]+$/, 'must be a service name such as turn_on, turn_off or toggle')
        .max(50)
        .describe('"turn_on", "turn_off" or "toggle"'),
      entity_id: z
        .string()
        .regex(/^[a-z_]+\.[a-z0-9_]+$/, 'must be an entity id such as light.chambre')
        .max(255)
        .describe(`The device, e.g. "light.chambre" (${homeAssistantStatesToolName} lists them)`),
      data: z
        .record(z.string(), z.unknown())
        .optional()
        .refine((data) => data === undefined || !targetKeys.some((key) => key in data), {
          message: `must not name other targets (${targetKeys.join(', ')}): the call acts on entity_id only`,
        })
        .refine((data) => data === undefined || JSON.stringify(data).length <= dataCharacters, {
          message: `must be at most ${dataCharacters} characters of JSON`,
        })
        .describe('Optional service data, e.g. {"brightness_pct": 50}'),
    }),
    effect: 'write',
    alwaysAsks: true,
    // The changed states come from the devices, like home_assistant_states' output.
    untrustedOutput: true,
    async execute({ domain, service, entity_id: entityId, data }, context) {
      // Asked first so that a wrong id is said plainly: Home Assistant itself accepts a call on an
      // entity it does not have and changes nothing.
      const before = await client.state(entityId, { signal: context.signal });
      if (before === null) {
        throw new ToolError(
          `Home Assistant has no device ${entityId}; ${homeAssistantStatesToolName} lists the entity ids.`,
          'home_assistant_unknown_entity',
        );
      }
      const changed = await client.callService(
        { domain, service, entityId, ...(data ? { data } : {}) },
        { signal: context.signal },
      );
      const after = changed.find((entity) => entity.entityId === entityId);
      const name = before.friendlyName ? ` ("${capText(oneLine(before.friendlyName), 80)}")` : '';
      const text = after
        ? `Done: ${domain}.${service} on ${entityId}${name}; it is now ${capText(oneLine(after.state), 80)} (was ${capText(oneLine(before.state), 80)}).`
        : `Done: ${domain}.${service} on ${entityId}${name}; Home Assistant reported no change of its state (${capText(oneLine(before.state), 80)}).`;
      return {
        text,
        data: { domain, service, entityId, before: before.state, after: after?.state ?? null, changed },
      };
    },
  });
}
