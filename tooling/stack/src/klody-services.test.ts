import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { klodyServices } from './klody-services.js';

function checkout(apps: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'klody-checkout-'));
  writeFileSync(join(root, 'package.json'), '{}');
  for (const app of apps) {
    mkdirSync(join(root, 'apps', app, 'src'), { recursive: true });
    writeFileSync(join(root, 'apps', app, 'src', 'cli.ts'), '');
  }
  return root;
}

describe('klodyServices', () => {
  it('lists the services that exist, the gateway first, on the ports from the environment', () => {
    const root = checkout(['gateway', 'library-brain']);
    const services = klodyServices({
      root: process.cwd(),
      env: {
        KLODY_GATEWAY_PORT: '18090',
        KLODY_LIBRARY_BRAIN_PORT: '18765',
        KLODY_VOCALBRAIN_PORT: '18600',
        KLODY_AGENT_PORT: '18000',
      },
    }).map((service) => [service.name, service.url]);
    expect(services).toEqual([
      ['gateway', 'http://127.0.0.1:18090/v1'],
      ['library-brain', 'http://127.0.0.1:18765/'],
      ['vocalbrain', 'http://127.0.0.1:18600/'],
      ['agent', 'http://127.0.0.1:18000/'],
    ]);
    expect(klodyServices({ root, env: {} }).map((service) => service.name)).toEqual([
      'gateway',
      'library-brain',
    ]);
    expect(klodyServices({ root: checkout([]), env: {} })).toEqual([]);
  });

  it('starts the gateway with the registry named by KLODY_GATEWAY_CONFIG, else the toy example', () => {
    const root = checkout(['gateway']);
    const [custom] = klodyServices({ root, env: { KLODY_GATEWAY_CONFIG: '/etc/klody/models.yaml' } });
    expect(custom?.args).toContain('/etc/klody/models.yaml');
    const [example] = klodyServices({ root, env: {} });
    expect(example?.args).toContain(join(root, 'apps/gateway/examples/tiny.yaml'));
  });

  it('points Library Brain at the stack’s gateway and seeds it with the shared books when they exist', () => {
    const root = checkout(['gateway', 'library-brain']);
    const shared = mkdtempSync(join(tmpdir(), 'klody-shared-'));
    mkdirSync(join(shared, 'books'));
    const library = klodyServices({
      root,
      env: { KLODY_GATEWAY_PORT: '18090', KLODY_TEST_DATA: shared },
    }).find((service) => service.name === 'library-brain');
    expect(library?.env).toEqual({ KLODY_GATEWAY_URL: 'http://127.0.0.1:18090' });
    expect(library?.args).toContain('--seed');
    expect(library?.args).toContain(join(shared, 'books'));
    const unseeded = klodyServices({ root, env: { KLODY_TEST_DATA: join(shared, 'missing') } }).find(
      (service) => service.name === 'library-brain',
    );
    expect(unseeded?.args).not.toContain('--seed');
  });

  it('starts the agent last, on its port, pointed at the stack’s gateway', () => {
    const root = checkout(['gateway', 'library-brain', 'vocalbrain', 'agent']);
    const services = klodyServices({ root, env: { KLODY_GATEWAY_PORT: '18090', KLODY_AGENT_PORT: '18000' } });
    expect(services.map((service) => service.name)).toEqual([
      'gateway',
      'library-brain',
      'vocalbrain',
      'agent',
    ]);
    const agent = services[3];
    expect(agent?.args.slice(-3)).toEqual(['serve', '--port', '18000']);
    expect(agent?.env).toEqual({ KLODY_GATEWAY_URL: 'http://127.0.0.1:18090' });
    expect(agent?.healthUrl).toBe('http://127.0.0.1:18000/health');
  });

  it('starts VocalBrain after Library Brain, on its port, pointed at the stack’s gateway', () => {
    const root = checkout(['gateway', 'library-brain', 'vocalbrain']);
    const services = klodyServices({
      root,
      env: { KLODY_GATEWAY_PORT: '18090', KLODY_VOCALBRAIN_PORT: '18600' },
    });
    expect(services.map((service) => service.name)).toEqual(['gateway', 'library-brain', 'vocalbrain']);
    const vocalbrain = services[2];
    expect(vocalbrain?.args.slice(-3)).toEqual(['serve', '--port', '18600']);
    expect(vocalbrain?.args).toContain(join(root, 'apps/vocalbrain/src/cli.ts'));
    expect(vocalbrain?.env).toEqual({ KLODY_GATEWAY_URL: 'http://127.0.0.1:18090' });
    expect(vocalbrain?.healthUrl).toBe('http://127.0.0.1:18600/health');
    // A gateway of the user's own (KLODY_GATEWAY_URL) is left as it is; without the stack's gateway, too.
    const own = klodyServices({ root, env: { KLODY_GATEWAY_URL: 'http://127.0.0.1:9999' } })[2];
    expect(own?.env).toEqual({});
    expect(klodyServices({ root: checkout(['vocalbrain']), env: {} }).map((service) => service.name)).toEqual(
      ['vocalbrain'],
    );
  });
});
