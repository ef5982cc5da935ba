import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeHomeAssistant, startFakeHomeAssistant } from '../../../test/fake-home-assistant.js';
import { ToolError } from '../agent-tool.js';
import { toolError } from '../testing/tool-error.js';
import { createHomeAssistantClient } from './home-assistant-client.js';

let home: FakeHomeAssistant;
beforeAll(async () => {
  home = await startFakeHomeAssistant({ token: 'the-real-token-1234' });
});
afterAll(async () => {
  await home.close();
});
beforeEach(() => home.reset());

const client = (options: { token?: string; url?: string; timeoutMs?: number; maxBytes?: number } = {}) =>
  createHomeAssistantClient({ url: home.url, token: home.token, ...options });

/** A port nothing listens on: one the system gave and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('createHomeAssistantClient', () => {
  it('lists the entities with their id, state, friendly name and a few attributes', async () => {
    const states = await client().states();
    expect(states.map((entity) => entity.entityId)).toEqual([
      'light.chambre',
      'light.bureau',
      'sensor.bureau_temperature',
      'switch.cafetiere',
    ]);
    expect(states[2]).toEqual({
      entityId: 'sensor.bureau_temperature',
      state: '21.5',
      friendlyName: 'Température du bureau',
      attributes: { device_class: 'temperature', unit_of_measurement: '°C' },
    });
    // Lists and nulls (supported_color_modes, brightness of a light that is off) are left out.
    expect(states[0]?.attributes).toEqual({});
    expect(home.requests).toEqual(['GET /api/states']);
  });

  it('reads one entity, and null for an id Home Assistant does not have', async () => {
    expect(await client().state('switch.cafetiere')).toMatchObject({
      state: 'off',
      friendlyName: 'Cafetière',
    });
    expect(await client().state('light.cuisine')).toBeNull();
  });

  it('calls a service with the bearer token and { ...data, entity_id }, and returns the changed states', async () => {
    const changed = await client().callService({
      domain: 'light',
      service: 'turn_on',
      entityId: 'light.chambre',
      data: { brightness: 128, entity_id: 'light.bureau' },
    });
    expect(home.serviceCalls).toEqual([
      { domain: 'light', service: 'turn_on', body: { brightness: 128, entity_id: 'light.chambre' } },
    ]);
    expect(changed).toEqual([expect.objectContaining({ entityId: 'light.chambre', state: 'on' })]);
    expect(home.entities.get('light.bureau')?.state).toBe('on');
    expect(home.entities.get('light.chambre')?.attributes.brightness).toBe(128);
  });

  it('says the token was refused, without repeating it', async () => {
    const error = await toolError(client({ token: 'wrong-token-5678' }).states());
    expect(error.code).toBe('home_assistant_unauthorized');
    expect(error.message).toContain('the token was refused');
    expect(error.message).toContain('KLODY_HOME_ASSISTANT_TOKEN');
    expect(error.message).not.toContain('wrong-token-5678');
    expect(error.message).not.toContain(home.token);
    const call = await toolError(
      client({ token: 'wrong-token-5678' }).callService({
        domain: 'light',
        service: 'turn_on',
        entityId: 'light.chambre',
      }),
    );
    expect(call.code).toBe('home_assistant_unauthorized');
    expect(home.serviceCalls).toEqual([]);
  });

  it('says when Home Assistant cannot be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const error = await toolError(client({ url }).states());
    expect(error.code).toBe('home_assistant_unreachable');
    expect(error.message).toBe(
      `Home Assistant cannot be reached at ${url} (connection refused: is it running?)`,
    );
  });

  it('says when the answer is not JSON', async () => {
    home.fault = 'not_json';
    const error = await toolError(client().states());
    expect([error.code, error.message]).toEqual([
      'home_assistant_bad_answer',
      `Home Assistant at ${home.url} sent an answer that is not JSON`,
    ]);
  });

  it('gives up after its time limit', async () => {
    home.fault = 'hang';
    const error = await toolError(client({ timeoutMs: 200 }).states());
    expect(error.code).toBe('home_assistant_timeout');
    expect(error.message).toBe(`Home Assistant did not answer within 0.2 s at ${home.url}`);
  });

  it('stops reading an answer larger than its size limit', async () => {
    const error = await toolError(client({ maxBytes: 200 }).states());
    expect(error.code).toBe('home_assistant_answer_too_large');
  });

  it('passes on a refusal of Home Assistant with its message, cut short', async () => {
    const error = await toolError(
      createHomeAssistantClient({ url: `${home.url}/nowhere`, token: home.token }).states(),
    );
    expect(error).toBeInstanceOf(ToolError);
    expect(error.code).toBe('home_assistant_refused');
    expect(error.message).toBe(`Home Assistant at ${home.url}/nowhere refused the request (404): Not found`);
  });

  it('is cancelled with the turn', async () => {
    home.fault = 'hang';
    const controller = new AbortController();
    const pending = client().states({ signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await toolError(pending)).code).toBe('cancelled');
  });
});
