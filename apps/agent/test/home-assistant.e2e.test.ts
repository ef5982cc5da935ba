// `pnpm agent` with Home Assistant on: real processes, a real database, the scripted gateway and a
// local server that speaks Home Assistant's REST API (test/fake-home-assistant.ts) as the user's house.
// The model asks to turn the bedroom light on; the call waits for the user even though the turn has
// read nothing untrusted, runs exactly once when approved, and never when denied.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeHomeAssistant, startFakeHomeAssistant } from './fake-home-assistant.js';
import { type FakeOpenAIServer, startFakeOpenAIServer, toolResultsSent } from './fake-openai-server.js';
import { type CliRun, onlyJsonLine, runAgentCli } from './run-agent-cli.js';

let gateway: FakeOpenAIServer;
let home: FakeHomeAssistant;
let env: Record<string, string>;
const runs: CliRun[] = [];

interface AskJson {
  sessionId: string;
  answer: string;
  steps: {
    tool: string;
    arguments: unknown;
    effect: string;
    approval: string;
    status: string;
    output: string | null;
  }[];
  pendingApprovals: { approvalId: string; tool: string; reason: string }[];
  stop: { reason: string } | null;
}

const agent = async (...args: string[]) => {
  const run = await runAgentCli(args, env);
  runs.push(run);
  return run;
};
const toolsOffered = () => gateway.requests[0]?.body.tools?.map((tool) => tool.function.name) ?? [];
const turnOnTheBedroomLight = {
  toolCalls: [
    {
      name: 'home_assistant_call',
      arguments: { domain: 'light', service: 'turn_on', entity_id: 'light.chambre' },
    },
  ],
};

beforeAll(async () => {
  gateway = await startFakeOpenAIServer();
  home = await startFakeHomeAssistant({ token: 'e2e-secret-token-0042' });
});
afterAll(async () => {
  await gateway.close();
  await home.close();
  // Whatever happened, the token never reached a terminal.
  for (const run of runs) expect(run.stdout + run.stderr).not.toContain(home.token);
});
beforeEach(() => {
  env = {
    KLODY_HOME: mkdtempSync(join(tmpdir(), 'klody-agent-home-assistant-')),
    KLODY_GATEWAY_URL: gateway.url,
    KLODY_LIBRARY_BRAIN_URL: 'none',
    KLODY_VOCALBRAIN_URL: 'none',
    KLODY_HOME_ASSISTANT_URL: home.url,
    KLODY_HOME_ASSISTANT_TOKEN: home.token,
    KLODY_LOG_LEVEL: 'warn',
  };
  gateway.replies.length = 0;
  gateway.requests.length = 0;
  home.reset();
});

/** Asks for the light and checks that the call waits, untouched, for the user. */
async function askForTheLight(): Promise<AskJson> {
  gateway.replies.push(turnOnTheBedroomLight);
  const asked = await agent('ask', 'Allume la lumière de la chambre.', '--json');
  expect(asked.code).toBe(0);
  expect(toolsOffered()).toEqual(expect.arrayContaining(['home_assistant_states', 'home_assistant_call']));
  const held = onlyJsonLine(asked.stdout) as AskJson;
  expect(held.steps).toEqual([
    {
      tool: 'home_assistant_call',
      arguments: { domain: 'light', service: 'turn_on', entity_id: 'light.chambre' },
      effect: 'write',
      approval: 'pending',
      status: 'not_run',
      output: null,
    },
  ]);
  expect(held.stop?.reason).toBe('approval_pending');
  // A write at the user's own request, nothing untrusted read: it asks all the same.
  expect(held.pendingApprovals[0]?.reason).toMatch(/always asks/);
  expect(home.requests).toEqual([]);
  return held;
}

describe('pnpm agent with KLODY_HOME_ASSISTANT_URL', () => {
  it('offers no Home Assistant tool when the variables are unset', async () => {
    delete env.KLODY_HOME_ASSISTANT_URL;
    delete env.KLODY_HOME_ASSISTANT_TOKEN;
    gateway.replies.push({ text: ['Bonjour.'] });
    const run = await agent('ask', 'Bonjour', '--json');
    expect(run.code).toBe(0);
    expect(toolsOffered()).toContain('current_time');
    expect(toolsOffered().filter((name) => name.startsWith('home_assistant'))).toEqual([]);
  });

  it('turns the light on once approved: exactly one service call reaches Home Assistant', async () => {
    const held = await askForTheLight();
    gateway.replies.push({ text: ['La lumière de la chambre est allumée.'] });
    const approved = await agent('approve', held.pendingApprovals[0]?.approvalId ?? '', '--json');
    expect(approved.code).toBe(0);
    const end = onlyJsonLine(approved.stdout) as AskJson;
    expect(end.steps).toEqual([
      expect.objectContaining({
        tool: 'home_assistant_call',
        approval: 'approved',
        status: 'done',
        output: 'Done: light.turn_on on light.chambre ("Lumière de la chambre"); it is now on (was off).',
      }),
    ]);
    expect(end.answer).toBe('La lumière de la chambre est allumée.');
    expect(home.serviceCalls).toEqual([
      { domain: 'light', service: 'turn_on', body: { entity_id: 'light.chambre' } },
    ]);
    expect(home.entities.get('light.chambre')?.state).toBe('on');
  });

  it('never calls Home Assistant when denied, and tells the model so', async () => {
    const held = await askForTheLight();
    gateway.replies.push({ text: ['D’accord, je laisse la lumière éteinte.'] });
    const denied = await agent('deny', held.pendingApprovals[0]?.approvalId ?? '', '--json');
    expect(denied.code).toBe(0);
    const end = onlyJsonLine(denied.stdout) as AskJson;
    expect(end.steps).toEqual([
      expect.objectContaining({ tool: 'home_assistant_call', approval: 'denied', status: 'not_run' }),
    ]);
    expect(toolResultsSent(gateway.requests.at(-1) as never).join(' ')).toMatch(/denied/i);
    expect(home.requests).toEqual([]);
    expect(home.serviceCalls).toEqual([]);
    expect(home.entities.get('light.chambre')?.state).toBe('off');
  });

  it('chat asks before the light, even with nothing untrusted read (the README exchange)', async () => {
    gateway.replies.push(turnOnTheBedroomLight, { text: ['La lumière de la chambre est allumée.'] });
    const run = await runAgentCli(['chat'], env, { input: 'Allume la lumière de la chambre.\noui\nexit\n' });
    runs.push(run);
    expect(run.code).toBe(0);
    const call = 'home_assistant_call {"domain":"light","service":"turn_on","entity_id":"light.chambre"}';
    expect(run.stdout.replace(/session_[\w-]+/, 'session_…')).toBe(
      [
        '> Allume la lumière de la chambre.',
        `· ${call} · write · approval needed: home_assistant_call acts on the world outside this machine, which always asks.`,
        `Approve ${call}? (oui/non/yes/no) oui`,
        `· ${call} · write · approved · done · Done: light.turn_on on light.chambre ("Lumière de la chambre"); it is now on (was off).`,
        'La lumière de la chambre est allumée.',
        '> exit',
        '(session session_…)',
        '',
      ].join('\n'),
    );
    expect(home.serviceCalls).toHaveLength(1);
    expect(home.entities.get('light.chambre')?.state).toBe('on');
  });

  it('reads the states without asking, and a refused token is an error the model reads', async () => {
    env.KLODY_HOME_ASSISTANT_TOKEN = 'not-the-right-token';
    gateway.replies.push(
      { toolCalls: [{ name: 'home_assistant_states', arguments: { filter: 'lumière chambre' } }] },
      { text: ['Home Assistant refuse le jeton.'] },
    );
    const run = await agent('ask', 'La lumière de la chambre est-elle allumée ?', '--json');
    expect(run.code).toBe(0);
    const result = onlyJsonLine(run.stdout) as AskJson;
    expect(result.steps[0]).toMatchObject({
      tool: 'home_assistant_states',
      effect: 'read',
      approval: 'not_needed',
    });
    expect(result.steps[0]?.output).toContain('the token was refused');
    expect(result.steps[0]?.output).not.toContain('not-the-right-token');
    expect(result.answer).toBe('Home Assistant refuse le jeton.');
  });

  it('stops the start with a message naming the token variable when only the URL is set', async () => {
    delete env.KLODY_HOME_ASSISTANT_TOKEN;
    const run = await agent('ask', 'Bonjour', '--json');
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toContain('KLODY_HOME_ASSISTANT_TOKEN');
  });
});
