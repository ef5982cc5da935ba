import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { chooseGatewayRegistry } from './gateway-registry.js';
import type { ServiceDefinition } from './service-definition.js';

export interface KlodyServicesOptions {
  /** The repository root. */
  root: string;
  env?: NodeJS.ProcessEnv;
  /** The gateway's registry file; chooseGatewayRegistry's choice by default. */
  gatewayRegistry?: string;
}

/** Runs a TypeScript entry point on sources (the `@klody/source` condition), with no build step. */
export function sourceCommand(
  root: string,
  entry: string,
  args: readonly string[],
): Pick<ServiceDefinition, 'command' | 'args' | 'cwd'> {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  return {
    command: process.execPath,
    args: ['--conditions=@klody/source', '--import', tsx, join(root, entry), ...args],
    cwd: root,
  };
}

function port(env: NodeJS.ProcessEnv, variable: string, fallback: number): number {
  const value = Number(env[variable]);
  return Number.isInteger(value) && value > 0 && value < 65_536 ? value : fallback;
}

/**
 * Every Klody service that exists in this checkout, in start order (the gateway first: the organs
 * use it). Ports come from `KLODY_<APP>_PORT` (CONTRACTS.md).
 */
export function klodyServices({
  root,
  env = process.env,
  gatewayRegistry,
}: KlodyServicesOptions): ServiceDefinition[] {
  const services: ServiceDefinition[] = [];
  const gatewayEntry = 'apps/gateway/src/cli.ts';
  const gatewayPort = port(env, 'KLODY_GATEWAY_PORT', 8090);
  const hasGateway = existsSync(join(root, gatewayEntry));
  if (hasGateway) {
    services.push({
      name: 'gateway',
      ...sourceCommand(root, gatewayEntry, [
        'start',
        '--config',
        // Your own registry with KLODY_GATEWAY_CONFIG; the real small models once installed; the toy
        // example otherwise.
        gatewayRegistry ?? chooseGatewayRegistry({ root, env }).path,
        '--port',
        String(gatewayPort),
        // Stopping the stack stops the model workers too (CONTRACTS.md); a gateway restarted on its
        // own leaves them running for adoption.
        '--stop-workers-on-exit',
      ]),
      url: `http://127.0.0.1:${gatewayPort}/v1`,
      healthUrl: `http://127.0.0.1:${gatewayPort}/health`,
    });
  }
  const libraryEntry = 'apps/library-brain/src/cli.ts';
  if (existsSync(join(root, libraryEntry))) {
    const libraryPort = port(env, 'KLODY_LIBRARY_BRAIN_PORT', 8765);
    // A first run ingests the shared books when they are beside the checkout; elsewhere the
    // library starts empty and its page says how to add books.
    const sharedBooks = env.KLODY_TEST_DATA
      ? resolve(root, env.KLODY_TEST_DATA, 'books')
      : resolve(root, '..', 'shared', 'data', 'books');
    services.push({
      name: 'library-brain',
      ...sourceCommand(root, libraryEntry, [
        'serve',
        '--port',
        String(libraryPort),
        ...(existsSync(sharedBooks) ? ['--seed', sharedBooks] : []),
      ]),
      env:
        hasGateway && !env.KLODY_GATEWAY_URL ? { KLODY_GATEWAY_URL: `http://127.0.0.1:${gatewayPort}` } : {},
      url: `http://127.0.0.1:${libraryPort}/`,
      healthUrl: `http://127.0.0.1:${libraryPort}/health`,
    });
  }
  const vocalbrainEntry = 'apps/vocalbrain/src/cli.ts';
  if (existsSync(join(root, vocalbrainEntry))) {
    const vocalbrainPort = port(env, 'KLODY_VOCALBRAIN_PORT', 8600);
    services.push({
      name: 'vocalbrain',
      ...sourceCommand(root, vocalbrainEntry, ['serve', '--port', String(vocalbrainPort)]),
      // The gateway gives its library the `embed` alias (recall by meaning) and its `tts` aliases.
      env:
        hasGateway && !env.KLODY_GATEWAY_URL ? { KLODY_GATEWAY_URL: `http://127.0.0.1:${gatewayPort}` } : {},
      url: `http://127.0.0.1:${vocalbrainPort}/`,
      healthUrl: `http://127.0.0.1:${vocalbrainPort}/health`,
    });
  }
  const agentEntry = 'apps/agent/src/cli.ts';
  if (existsSync(join(root, agentEntry))) {
    const agentPort = port(env, 'KLODY_AGENT_PORT', 8000);
    services.push({
      name: 'agent',
      ...sourceCommand(root, agentEntry, ['serve', '--port', String(agentPort)]),
      // The agent answers with the gateway's chat model; it reaches Library Brain and VocalBrain on
      // the ports above, which it reads from the same KLODY_<APP>_PORT variables.
      env:
        hasGateway && !env.KLODY_GATEWAY_URL ? { KLODY_GATEWAY_URL: `http://127.0.0.1:${gatewayPort}` } : {},
      url: `http://127.0.0.1:${agentPort}/`,
      healthUrl: `http://127.0.0.1:${agentPort}/health`,
    });
  }
  return services;
}
