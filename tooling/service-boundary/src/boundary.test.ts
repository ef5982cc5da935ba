// The HTTP boundary of every Klody service, as one table: the same Host, Origin, key and body-limit
// cases sent to the real servers — the gateway, the embedded worker and the voice worker it
// spawns, Library Brain, VocalBrain and the agent — each started as a user starts it, and each must answer the same. They
// once disagreed (`127.0.0.2` accepted by one and refused by two, no check at all on the fourth); now
// they share @klody/service, and this table keeps them together.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { healthResponseSchema } from '@klody/service';
import { type RawRequest, rawRequest } from '@klody/service/testing';
import { freePorts, repositoryRoot, testDataPath, waitForHttp } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

const root = repositoryRoot();
const onSources = ['--import', 'tsx', '--conditions=@klody/source'];
const reaper = useProcessReaper();

interface Service {
  name: string;
  url: string;
  key: string;
  /** A route the key protects (GET). */
  protectedPath: string;
  /** A JSON POST route and its body limit. */
  postPath: string;
  limitBytes: number;
}

interface Answer {
  status: number;
  code: string | null;
}

async function send(url: string, request: RawRequest): Promise<Answer> {
  const answer = await rawRequest(url, request);
  return { status: answer.status, code: answer.errorCode };
}

/** The cases, each with the one answer every service must give. `{port}` is the service's port. */
interface BoundaryCase {
  name: string;
  request: (service: Service) => {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string;
  };
  expected: Answer;
}

const ok = { status: 200, code: null };

const cases: BoundaryCase[] = [
  {
    name: 'Host 127.0.0.2 (127.0.0.0/8)',
    request: (s) => ({ path: '/health', headers: { host: `127.0.0.2:${port(s)}` } }),
    expected: ok,
  },
  {
    name: 'Host app.localhost:3000',
    request: () => ({ path: '/health', headers: { host: 'app.localhost:3000' } }),
    expected: ok,
  },
  {
    name: 'Host [::1] with a port',
    request: (s) => ({ path: '/health', headers: { host: `[::1]:${port(s)}` } }),
    expected: ok,
  },
  {
    name: 'Host localhost without a port',
    request: () => ({ path: '/health', headers: { host: 'localhost' } }),
    expected: ok,
  },
  {
    name: 'Host ::1 unbracketed (not a valid Host)',
    request: () => ({ path: '/health', headers: { host: '::1' } }),
    expected: { status: 400, code: 'malformed_request' },
  },
  {
    name: 'Host localhost:80:evil',
    request: () => ({ path: '/health', headers: { host: 'localhost:80:evil' } }),
    expected: { status: 400, code: 'malformed_request' },
  },
  {
    name: 'Host evil.example (DNS rebinding)',
    request: () => ({ path: '/health', headers: { host: 'evil.example' } }),
    expected: { status: 403, code: 'forbidden_host' },
  },
  {
    name: 'Host localhost.evil.example',
    request: () => ({ path: '/health', headers: { host: 'localhost.evil.example' } }),
    expected: { status: 403, code: 'forbidden_host' },
  },
  {
    name: 'Origin of a foreign site (CSRF)',
    request: () => ({ path: '/health', headers: { origin: 'https://evil.example' } }),
    expected: { status: 403, code: 'forbidden_origin' },
  },
  {
    name: 'Origin null (a sandboxed or file page)',
    request: () => ({ path: '/health', headers: { origin: 'null' } }),
    expected: { status: 403, code: 'forbidden_origin' },
  },
  {
    name: 'Origin of a local page on another port',
    request: () => ({ path: '/health', headers: { origin: 'http://localhost:5173' } }),
    expected: ok,
  },
  {
    name: 'no key on a protected route',
    request: (s) => ({ path: s.protectedPath }),
    expected: { status: 401, code: 'unauthorized' },
  },
  {
    name: 'a wrong key',
    request: (s) => ({ path: s.protectedPath, headers: { authorization: `Bearer ${s.key}x` } }),
    expected: { status: 401, code: 'unauthorized' },
  },
  {
    name: 'an Authorization header that is not Bearer',
    request: (s) => ({ path: s.protectedPath, headers: { authorization: `Basic ${s.key}` } }),
    expected: { status: 400, code: 'invalid_authorization' },
  },
  {
    name: 'the right key',
    request: (s) => ({ path: s.protectedPath, headers: { authorization: `Bearer ${s.key}` } }),
    expected: ok,
  },
  {
    name: 'a body declared over the route’s limit',
    request: (s) => ({
      method: 'POST',
      path: s.postPath,
      headers: {
        authorization: `Bearer ${s.key}`,
        'content-type': 'application/json',
        'content-length': String(s.limitBytes + 1),
      },
      body: '',
    }),
    expected: { status: 413, code: 'body_too_large' },
  },
  {
    name: 'an unknown route',
    request: (s) => ({ path: '/no/such/route', headers: { authorization: `Bearer ${s.key}` } }),
    expected: { status: 404, code: 'not_found' },
  },
];

function port(service: Service): string {
  return new URL(service.url).port;
}

describeRequiring(
  { data: ['models/stories260K.gguf'], tools: ['espeak-ng'] },
  'the same boundary on every Klody service',
  () => {
    const services: Service[] = [];

    beforeAll(async () => {
      const home = mkdtempSync(join(tmpdir(), 'klody-boundary-'));
      const [gatewayPort, toyPort, voicePort, libraryPort, agentPort, vocalbrainPort] = (await freePorts(
        6,
      )) as [number, number, number, number, number, number];
      const registry = join(home, 'registry.yaml');
      writeFileSync(
        registry,
        stringify({
          budgetGb: 4,
          server: { bodyLimitMb: 1 },
          workers: [
            {
              name: 'toy',
              embedded: { model: testDataPath('models', 'stories260K.gguf'), contextSize: 256 },
              port: toyPort,
              estimatedGb: 0.2,
              startTimeoutSeconds: 60,
            },
            {
              name: 'voice',
              aliases: ['toy-tts'],
              kind: 'tts',
              command: process.execPath,
              args: [
                ...onSources,
                join(root, 'packages', 'voice', 'src', 'worker', 'bin.ts'),
                '--port',
                '{port}',
                '--alias',
                'toy-tts=espeak-ng',
              ],
              cwd: root,
              port: voicePort,
              estimatedGb: 0.2,
              startTimeoutSeconds: 60,
            },
          ],
        }),
      );
      const environment = { ...process.env, KLODY_HOME: home, KLODY_LOG_LEVEL: 'warn' };
      reaper.spawn(
        process.execPath,
        [
          ...onSources,
          join(root, 'apps', 'gateway', 'src', 'cli.ts'),
          'start',
          '--config',
          registry,
          '--port',
          String(gatewayPort),
          '--stop-workers-on-exit',
        ],
        { cwd: root, env: { ...environment, KLODY_GATEWAY_API_KEY: 'gateway-key-0123' } },
      );
      reaper.spawn(
        process.execPath,
        [...onSources, join(root, 'apps', 'library-brain', 'src', 'cli.ts'), 'serve'],
        {
          cwd: root,
          env: {
            ...environment,
            KLODY_GATEWAY_URL: 'none',
            KLODY_LIBRARY_BRAIN_PORT: String(libraryPort),
            KLODY_LIBRARY_BRAIN_API_KEY: 'library-key-0123',
          },
        },
      );
      const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
      const libraryUrl = `http://127.0.0.1:${libraryPort}`;
      const agentUrl = `http://127.0.0.1:${agentPort}`;
      reaper.spawn(process.execPath, [...onSources, join(root, 'apps', 'agent', 'src', 'cli.ts'), 'serve'], {
        cwd: root,
        env: {
          ...environment,
          KLODY_GATEWAY_URL: gatewayUrl,
          KLODY_GATEWAY_API_KEY: 'gateway-key-0123',
          KLODY_LIBRARY_BRAIN_URL: 'none',
          KLODY_VOCALBRAIN_URL: 'none',
          KLODY_AGENT_PORT: String(agentPort),
          KLODY_AGENT_API_KEY: 'agent-key-0123',
        },
      });
      const vocalbrainUrl = `http://127.0.0.1:${vocalbrainPort}`;
      reaper.spawn(
        process.execPath,
        [...onSources, join(root, 'apps', 'vocalbrain', 'src', 'cli.ts'), 'serve'],
        {
          cwd: root,
          env: {
            ...environment,
            KLODY_GATEWAY_URL: 'none',
            KLODY_VOCALBRAIN_PORT: String(vocalbrainPort),
            KLODY_VOCALBRAIN_API_KEY: 'vocalbrain-key-0123',
            KLODY_VOCALBRAIN_CALIBRATE: '0',
          },
        },
      );
      await Promise.all([
        waitForHttp(`${vocalbrainUrl}/health`, { timeoutMs: 60_000 }),
        waitForHttp(`${gatewayUrl}/health`, { timeoutMs: 60_000 }),
        waitForHttp(`${libraryUrl}/health`, { timeoutMs: 60_000 }),
        waitForHttp(`${agentUrl}/health`, { timeoutMs: 60_000 }),
      ]);
      const keys: Record<string, string> = {};
      for (const model of ['toy', 'voice']) {
        const ensured = await fetch(`${gatewayUrl}/admin/ensure`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer gateway-key-0123' },
          body: JSON.stringify({ model }),
        });
        expect(ensured.status).toBe(200);
        keys[model] = JSON.parse(
          readFileSync(join(home, 'gateway', 'run', `${model}.json`), 'utf8'),
        ).workerKey;
      }
      services.push(
        {
          name: 'gateway',
          url: gatewayUrl,
          key: 'gateway-key-0123',
          protectedPath: '/v1/models',
          postPath: '/v1/chat/completions',
          limitBytes: 1024 * 1024,
        },
        {
          name: 'embedded worker',
          url: `http://127.0.0.1:${toyPort}`,
          key: keys.toy as string,
          protectedPath: '/v1/models',
          postPath: '/v1/chat/completions',
          limitBytes: 8 * 1024 * 1024,
        },
        {
          name: 'voice worker',
          url: `http://127.0.0.1:${voicePort}`,
          key: keys.voice as string,
          protectedPath: '/v1/models',
          postPath: '/v1/audio/speech',
          limitBytes: 8 * 1024 * 1024,
        },
        {
          name: 'Library Brain',
          url: libraryUrl,
          key: 'library-key-0123',
          protectedPath: '/api/books',
          postPath: '/api/ask',
          limitBytes: 1024 * 1024,
        },
        {
          name: 'VocalBrain',
          url: vocalbrainUrl,
          key: 'vocalbrain-key-0123',
          protectedPath: '/v1/models',
          postPath: '/v1/audio/speech',
          limitBytes: 8 * 1024 * 1024,
        },
        {
          name: 'agent',
          url: agentUrl,
          key: 'agent-key-0123',
          protectedPath: '/api/sessions',
          postPath: '/api/sessions/session_boundary/messages',
          limitBytes: 1024 * 1024,
        },
      );
    }, 180_000);

    describe.each(cases)('$name', (boundaryCase) => {
      it('gets the same answer from every service', async () => {
        const answers: Record<string, Answer> = {};
        for (const service of services)
          answers[service.name] = await send(service.url, boundaryCase.request(service));
        expect(answers).toEqual(
          Object.fromEntries(services.map((service) => [service.name, boundaryCase.expected])),
        );
      });
    });

    it('every /health has the shared shape ({ "status": "ok" | "degraded", … })', async () => {
      for (const service of services) {
        const body: unknown = await (await fetch(`${service.url}/health`)).json();
        expect(healthResponseSchema.safeParse(body).success, `${service.name}: ${JSON.stringify(body)}`).toBe(
          true,
        );
      }
    });
  },
);
