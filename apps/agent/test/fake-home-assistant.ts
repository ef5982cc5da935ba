// A test double of Home Assistant: a real node:http server on 127.0.0.1 (a random port) that speaks
// the part of its REST API the agent uses — GET /api/states, GET /api/states/<entity_id>,
// POST /api/services/<domain>/<service> — checks the bearer token as Home Assistant does (401 and a
// plain-text body), records every service call, and turns lights and switches on and off.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeEntity {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
  last_changed: string;
  last_updated: string;
}

export interface RecordedServiceCall {
  domain: string;
  service: string;
  /** The JSON body as sent. */
  body: Record<string, unknown>;
}

export interface FakeHomeAssistant {
  /** `http://127.0.0.1:<port>`: what KLODY_HOME_ASSISTANT_URL names. */
  url: string;
  /** The token it accepts. */
  token: string;
  /** The house, by entity id: tests read states here (and may change them). */
  entities: Map<string, FakeEntity>;
  /** Service calls that passed the token check, in order. */
  serviceCalls: RecordedServiceCall[];
  /** Every request's method and path (token refused or not). */
  requests: string[];
  /** `not_json`: 200 answers that are HTML; `hang`: no answer at all. null: behave. */
  fault: 'not_json' | 'hang' | null;
  /** Puts the house back as it was at the start and forgets the calls. */
  reset(): void;
  close(): Promise<void>;
}

const startedAt = '2026-11-30T08:00:00+00:00';

function initialEntities(): Map<string, FakeEntity> {
  const entity = (entity_id: string, state: string, attributes: Record<string, unknown>): FakeEntity => ({
    entity_id,
    state,
    attributes,
    last_changed: startedAt,
    last_updated: startedAt,
  });
  return new Map(
    [
      entity('light.chambre', 'off', {
        friendly_name: 'Lumière de la chambre',
        supported_color_modes: ['brightness'],
        color_mode: null,
        brightness: null,
      }),
      entity('light.bureau', 'on', {
        friendly_name: 'Lumière du bureau',
        supported_color_modes: ['brightness'],
        color_mode: 'brightness',
        brightness: 180,
      }),
      entity('sensor.bureau_temperature', '21.5', {
        friendly_name: 'Température du bureau',
        unit_of_measurement: '°C',
        device_class: 'temperature',
        state_class: 'measurement',
      }),
      entity('switch.cafetiere', 'off', { friendly_name: 'Cafetière' }),
    ].map((state) => [state.entity_id, state]),
  );
}

/** What a service does to an entity's state, for the domains the fake knows. */
function applyService(
  entity: FakeEntity,
  domain: string,
  service: string,
  body: Record<string, unknown>,
): boolean {
  const [entityDomain] = entity.entity_id.split('.');
  if (!['light', 'switch', 'homeassistant'].includes(domain)) return false;
  if (domain !== 'homeassistant' && domain !== entityDomain) return false;
  if (entityDomain !== 'light' && entityDomain !== 'switch') return false;
  const next =
    service === 'turn_on'
      ? 'on'
      : service === 'turn_off'
        ? 'off'
        : service === 'toggle'
          ? entity.state === 'on'
            ? 'off'
            : 'on'
          : null;
  if (next === null) return false;
  entity.state = next;
  if (entityDomain === 'light') {
    entity.attributes.brightness =
      next === 'on' ? (typeof body.brightness === 'number' ? body.brightness : 255) : null;
  }
  entity.last_changed = new Date().toISOString();
  entity.last_updated = entity.last_changed;
  return true;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

export async function startFakeHomeAssistant(options: { token?: string } = {}): Promise<FakeHomeAssistant> {
  const state: FakeHomeAssistant = {
    url: '',
    token: options.token ?? 'fake-long-lived-access-token',
    entities: initialEntities(),
    serviceCalls: [],
    requests: [],
    fault: null,
    reset() {
      state.entities = initialEntities();
      state.serviceCalls.length = 0;
      state.requests.length = 0;
      state.fault = null;
    },
    close: async () => {},
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    state.requests.push(`${request.method} ${path}`);
    if (request.headers.authorization !== `Bearer ${state.token}`) {
      // What Home Assistant answers: 401 with a plain-text body.
      response.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('401: Unauthorized');
      return;
    }
    if (state.fault === 'hang') return;
    if (state.fault === 'not_json') {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html><body>Home Assistant</body></html>');
      return;
    }
    if (request.method === 'GET' && path === '/api/states') {
      json(response, 200, [...state.entities.values()]);
      return;
    }
    const one = /^\/api\/states\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && one) {
      const entity = state.entities.get(decodeURIComponent(one[1] ?? ''));
      if (entity) json(response, 200, entity);
      else json(response, 404, { message: 'Entity not found.' });
      return;
    }
    const service = /^\/api\/services\/([^/]+)\/([^/]+)$/.exec(path);
    if (request.method === 'POST' && service) {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse((await readBody(request)) || '{}') as Record<string, unknown>;
      } catch {
        json(response, 400, { message: 'Data should be valid JSON.' });
        return;
      }
      const domain = decodeURIComponent(service[1] ?? '');
      const name = decodeURIComponent(service[2] ?? '');
      state.serviceCalls.push({ domain, service: name, body });
      const ids = Array.isArray(body.entity_id) ? body.entity_id : [body.entity_id];
      const changed: FakeEntity[] = [];
      for (const id of ids) {
        const entity = typeof id === 'string' ? state.entities.get(id) : undefined;
        if (entity && applyService(entity, domain, name, body)) changed.push(entity);
      }
      json(response, 200, changed);
      return;
    }
    json(response, 404, { message: 'Not found' });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
