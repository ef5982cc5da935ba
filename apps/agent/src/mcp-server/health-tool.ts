// health: the gateway and the organs the agent uses, each up, down or disabled, with its URL and why.
// Every check has its own short limit (1 s for the gateway, 5 s for an organ) and they run together:
// the answer comes within seconds even when everything is down.
import { textResult } from '@klody/mcp';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { gatewayHealth } from '../organs/gateway-health.js';
import type { OrganHealth } from '../organs/organ-request.js';
import { guardKlodyTool } from './guard-klody-tool.js';
import type { KlodyMcpDependencies } from './klody-mcp-dependencies.js';

const serviceNames = ['gateway', 'library_brain', 'vocalbrain'] as const;
type ServiceName = (typeof serviceNames)[number];

const serviceLabels: Record<ServiceName, string> = {
  gateway: 'the gateway',
  library_brain: 'Library Brain',
  vocalbrain: 'VocalBrain',
};

const serviceVariables: Record<ServiceName, string> = {
  gateway: 'KLODY_GATEWAY_URL',
  library_brain: 'KLODY_LIBRARY_BRAIN_URL',
  vocalbrain: 'KLODY_VOCALBRAIN_URL',
};

const serviceState = z.object({
  name: z.enum(serviceNames),
  url: z.string().nullable().describe('Where it is expected; null when disabled'),
  state: z.enum(['up', 'down', 'disabled']),
  reason: z
    .string()
    .nullable()
    .describe('Why it is down or disabled, or what it reports; null when all is well'),
});
type ServiceState = z.infer<typeof serviceState>;

export const healthInput = {
  services: z
    .array(z.enum(serviceNames))
    .min(1)
    .optional()
    .describe('Which to check: gateway, library_brain, vocalbrain (all by default)'),
};

export const healthOutput = {
  status: z.enum(['ok', 'degraded']).describe('ok when every checked service that is not disabled is up'),
  services: z.array(serviceState),
};

function disabled(name: ServiceName): ServiceState {
  return { name, url: null, state: 'disabled', reason: `${serviceVariables[name]} is "none"` };
}

function fromOrgan(name: ServiceName, health: OrganHealth): ServiceState {
  if (health.status === 'unreachable')
    return { name, url: health.url, state: 'down', reason: health.message };
  return {
    name,
    url: health.url,
    state: 'up',
    reason: health.status === 'ok' ? null : `${serviceLabels[name]} reports "${health.status}"`,
  };
}

async function check(name: ServiceName, dependencies: KlodyMcpDependencies): Promise<ServiceState> {
  switch (name) {
    case 'gateway': {
      const gateway = dependencies.gateway;
      if (!gateway) return disabled(name);
      const { gateway: state, reason } = await gatewayHealth({
        gatewayURL: gateway.url,
        apiKey: gateway.apiKey,
        chatModel: gateway.chatModel,
        ...(dependencies.fetch ? { fetch: dependencies.fetch } : {}),
      });
      // A gateway without the chat model answers, but chat, complete and summarize would all fail.
      return { name, url: gateway.url, state: state === 'ok' ? 'up' : 'down', reason };
    }
    case 'library_brain':
      return dependencies.library ? fromOrgan(name, await dependencies.library.health()) : disabled(name);
    case 'vocalbrain':
      return dependencies.vocalBrain
        ? fromOrgan(name, await dependencies.vocalBrain.health())
        : disabled(name);
  }
}

function line(service: ServiceState): string {
  const label = serviceLabels[service.name];
  if (service.state === 'disabled') return `${label}: disabled (${service.reason})`;
  const reason = service.reason ? `: ${service.reason}` : '';
  return `${label}: ${service.state} at ${service.url}${reason}`;
}

export function registerHealthTool(server: McpServer, dependencies: KlodyMcpDependencies): void {
  server.registerTool(
    'health',
    {
      title: "Klody's services",
      description:
        "Checks Klody's local services: the gateway (which serves the models), Library Brain (the books) and VocalBrain (speech). Each is up, down or disabled, with its URL and the reason. Use it when another Klody tool fails.",
      inputSchema: healthInput,
      outputSchema: healthOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ services }) =>
      guardKlodyTool('health', dependencies, async () => {
        const wanted = services ? serviceNames.filter((name) => services.includes(name)) : serviceNames;
        const states = await Promise.all(wanted.map((name) => check(name, dependencies)));
        const status = states.some((service) => service.state === 'down') ? 'degraded' : 'ok';
        return textResult([`Klody: ${status}`, ...states.map(line)].join('\n'), { status, services: states });
      }),
  );
}
