// A child process for the crash test: it runs one turn whose second tool kills the process (SIGKILL,
// no cleanup, no chance to write anything more), after printing the turn's events as JSON lines.
import { z } from 'zod';
import { createAgent } from '../../agent/create-agent.js';
import { testTools } from '../../agent/testing/agent-test-bench.js';
import { createApprovalStore } from '../../approvals/approval-store.js';
import { openAgentDatabase } from '../../store/open-agent-database.js';
import type { AgentTool } from '../../tools/agent-tool.js';
import { fakeScriptedModel } from './fake-scripted-model.js';

const path = process.argv[2];
if (!path) throw new Error('usage: crash-in-tool-child <agent.db>');
const database = openAgentDatabase(path);
const crash: AgentTool = {
  name: 'crash',
  description: 'Kills its own process.',
  inputSchema: z.object({}),
  effect: 'read',
  untrustedOutput: false,
  async execute() {
    process.kill(process.pid, 'SIGKILL');
    return new Promise(() => {});
  },
};
const fake = fakeScriptedModel([
  {
    text: 'Working on it.',
    toolCalls: [
      { tool: 'lookup', input: { query: 'whales' } },
      { tool: 'crash', input: {} },
    ],
  },
]);
const agent = createAgent({
  model: fake.model,
  connection: database.connection,
  tools: [...testTools().tools, crash],
  approvals: createApprovalStore(database.connection),
});
for await (const event of agent.send({ message: 'Look up whales, then crash' })) {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}
