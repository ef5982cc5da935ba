// The terminal's pure pieces: yes/no answers, one-line steps, the turn result that `ask --json`
// prints, and the chat loop over a scripted agent (fake-agent).
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { AgentEvent, StepRecord } from '../src/agent/agent-events.js';
import { runChat } from '../src/cli/chat.js';
import { stepLine } from '../src/cli/step-line.js';
import { createTurnResult, turnJson } from '../src/cli/turn-result.js';
import { yesOrNo } from '../src/cli/yes-or-no.js';
import { answerTurn, createFakeAgent } from './fake-agent.js';

const timing = { modelMs: 1, toolsMs: 0, approvalsWaitingMs: 0, totalMs: 1 };
const pendingRemoval: AgentEvent = {
  type: 'approval-request',
  approvalId: 'approval-1',
  toolCallId: 'call-1',
  tool: 'remove_book',
  arguments: { book: 3 },
  effect: 'destructive',
  reason: 'remove_book is destructive',
  expiresAt: '2026-11-30T23:10:00.000Z',
};
const deniedRemoval: StepRecord = {
  toolCallId: 'call-1',
  tool: 'remove_book',
  arguments: { book: 3 },
  effect: 'destructive',
  approval: 'denied',
  status: 'not_run',
  output: 'denied by the user; not run',
};

describe('yesOrNo', () => {
  it.each([
    ['oui', true],
    ['Oui', true],
    [' YES ', true],
    ['y', true],
    ['o', true],
    ['non', false],
    ['No', false],
    ['n', false],
    ['peut-être', null],
    ['', null],
    ['yes please', null],
  ])('reads %j as %j', (answer, expected) => {
    expect(yesOrNo(answer)).toBe(expected);
  });
});

describe('stepLine', () => {
  it('puts a step on one line, its output flattened and shortened', () => {
    const line = stepLine({ ...deniedRemoval, output: `first line\nsecond line ${'x'.repeat(200)}` });
    expect(line).not.toContain('\n');
    expect(line).toMatch(
      /^· remove_book \{"book":3\} · destructive · denied · not_run · first line second line x+…$/,
    );
    expect(line.length).toBeLessThan(200);
  });
});

describe('the turn result', () => {
  it('keeps a call pending with its approval id, then shows it denied once decided', () => {
    const turn = createTurnResult();
    for (const event of [
      { type: 'turn-start', sessionId: 's', turnId: 't' },
      { type: 'step-start', step: 1 },
      { type: 'text-delta', text: 'Je vérifie.' },
      {
        type: 'tool-call',
        toolCallId: 'call-1',
        tool: 'remove_book',
        arguments: { book: 3 },
        effect: 'destructive',
      },
      pendingRemoval,
      { type: 'stop', reason: 'approval_pending', question: 'remove_book needs your approval.' },
      { type: 'turn-end', sessionId: 's', turnId: 't', answer: '', steps: [], timing },
    ] satisfies AgentEvent[])
      turn.add(event);
    expect(turnJson(turn.result)).toEqual({
      sessionId: 's',
      answer: '',
      steps: [
        {
          tool: 'remove_book',
          arguments: { book: 3 },
          effect: 'destructive',
          approval: 'pending',
          status: 'not_run',
          output: null,
        },
      ],
      pendingApprovals: [
        {
          approvalId: 'approval-1',
          tool: 'remove_book',
          arguments: { book: 3 },
          effect: 'destructive',
          reason: 'remove_book is destructive',
          expiresAt: '2026-11-30T23:10:00.000Z',
        },
      ],
      stop: { reason: 'approval_pending', question: 'remove_book needs your approval.' },
      errors: [],
      usedWeb: [],
    });

    for (const event of [
      { type: 'turn-start', sessionId: 's', turnId: 't' },
      { type: 'tool-result', step: deniedRemoval },
      { type: 'step-start', step: 2 },
      { type: 'text-delta', text: 'Rien supprimé.' },
      {
        type: 'turn-end',
        sessionId: 's',
        turnId: 't',
        answer: 'Rien supprimé.',
        steps: [deniedRemoval],
        timing,
      },
    ] satisfies AgentEvent[])
      turn.add(event);
    expect(turnJson(turn.result)).toMatchObject({
      answer: 'Rien supprimé.',
      steps: [{ approval: 'denied', status: 'not_run' }],
      pendingApprovals: [],
      stop: null,
    });
  });

  it('records the errors the agent reported', () => {
    const turn = createTurnResult();
    turn.add({ type: 'error', code: 'approval_expired', message: 'approval approval-1 expired' });
    expect(turn.result.errors).toEqual([
      { code: 'approval_expired', message: 'approval approval-1 expired' },
    ]);
  });
});

describe('runChat over a scripted agent', () => {
  it('asks again until the answer is yes or no, decides, and leaves on Ctrl-D', async () => {
    const fake = createFakeAgent([
      {
        events: [
          { type: 'turn-start', sessionId: 'session-1', turnId: 't' },
          pendingRemoval,
          { type: 'stop', reason: 'approval_pending', question: '?' },
        ],
      },
      answerTurn('session-1', ['D’accord.'], [deniedRemoval]),
    ]);
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => {
      printed += chunk.toString('utf8');
    });
    input.end('Supprime Candide\nbof\nnon\n');
    expect(await runChat({ agent: fake.agent, input, output })).toBe(0);
    expect(fake.calls.map((call) => call.method)).toEqual(['send', 'decide']);
    expect(fake.calls[1]).toMatchObject({
      approvalId: 'approval-1',
      decision: 'deny',
      sessionId: 'session-1',
    });
    expect(printed).toContain(
      'Approve remove_book {"book":3}? (oui/non/yes/no) bof\nPlease answer oui or non',
    );
    expect(printed).toContain('D’accord.');
    expect(printed).toContain('(session session-1)');
  });

  it('leaves an approval pending when the input ends before the answer', async () => {
    const fake = createFakeAgent([
      {
        events: [
          { type: 'turn-start', sessionId: 'session-1', turnId: 't' },
          pendingRemoval,
          { type: 'stop', reason: 'approval_pending', question: '?' },
        ],
      },
    ]);
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => {
      printed += chunk.toString('utf8');
    });
    input.end('Supprime Candide\n');
    expect(await runChat({ agent: fake.agent, input, output })).toBe(0);
    expect(fake.calls.map((call) => call.method)).toEqual(['send']);
    expect(printed).toContain(
      'approval approval-1 stays pending: pnpm agent approve|deny approval-1 --session session-1',
    );
  });
});
