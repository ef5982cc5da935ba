import type { Readable, Writable } from 'node:stream';
import type { Agent } from '../agent/agent.js';
import type { AgentEvent } from '../agent/agent-events.js';
import { createLineReader } from './line-reader.js';
import { argumentsLine } from './step-line.js';
import { createTerminalRenderer } from './terminal-renderer.js';
import { createTurnResult, type TurnCollector } from './turn-result.js';
import { yesOrNo } from './yes-or-no.js';

export interface ChatOptions {
  agent: Agent;
  input: Readable;
  output: Writable;
  /** Continue this session; a new one starts with the first message otherwise. */
  sessionId?: string | null;
}

const yesNo = '(oui/non/yes/no)';

/**
 * `pnpm agent chat`: a conversation in the terminal. Text streams as it comes, each tool call shows
 * on one line, an approval is asked inline (oui/non/yes/no) and a max-steps or repeated-call stop is
 * answered the same way. `exit` or Ctrl-D leaves; Ctrl-C stops the turn in progress. A question left
 * unanswered (Ctrl-D) leaves its approval pending, to be decided later (`pnpm agent approve`).
 */
export async function runChat({ agent, input, output, sessionId = null }: ChatOptions): Promise<number> {
  const reader = createLineReader(input, output);
  const renderer = createTerminalRenderer(output);
  let session = sessionId;
  let running: AbortController | null = null;
  reader.onInterrupt(() => {
    if (running) {
      running.abort();
      output.write('\n(stopped)\n');
    } else reader.close();
  });

  async function play(events: (signal: AbortSignal) => AsyncIterable<AgentEvent>, turn: TurnCollector) {
    const controller = new AbortController();
    running = controller;
    try {
      for await (const event of events(controller.signal)) {
        turn.add(event);
        renderer.write(event);
        if (event.type === 'turn-start' || event.type === 'turn-end') session = event.sessionId;
      }
    } catch (error) {
      // Ctrl-C aborted the model call: the turn is over, the conversation goes on.
      if (!controller.signal.aborted) throw error;
    } finally {
      running = null;
    }
  }

  /** Answers what the turn stopped for, as long as the user answers; false when the input ended. */
  async function settle(turn: TurnCollector): Promise<boolean> {
    for (;;) {
      const { stop, pendingApprovals } = turn.result;
      if (!stop || !session) return true;
      const sessionOfTurn = session;
      if (stop.reason === 'approval_pending') {
        const approval = pendingApprovals[0];
        if (!approval) return true;
        const answer = await ask(`Approve ${approval.tool} ${argumentsLine(approval.arguments)}? ${yesNo} `);
        if (answer === null) {
          output.write(
            `(approval ${approval.approvalId} stays pending: pnpm agent approve|deny ${approval.approvalId} --session ${sessionOfTurn})\n`,
          );
          return false;
        }
        turn.result.stop = null;
        await play(
          (signal) =>
            agent.decide({
              sessionId: sessionOfTurn,
              approvalId: approval.approvalId,
              decision: answer ? 'approve' : 'deny',
              signal,
            }),
          turn,
        );
        // Another approval of the same step may still wait: the turn goes on after the last one.
        if (!turn.result.stop && turn.result.pendingApprovals.length > 0)
          turn.result.stop = { reason: 'approval_pending', question: '' };
        continue;
      }
      if (stop.reason === 'max_steps' || stop.reason === 'repeated_call') {
        const answer = await ask(`${stop.question} ${yesNo} `);
        if (answer === null) return false;
        turn.result.stop = null;
        await play((signal) => agent.resume({ sessionId: sessionOfTurn, goOn: answer, signal }), turn);
        continue;
      }
      // invalid_tool_call: the question is shown; the user's next message answers it.
      return true;
    }
  }

  /** A yes/no answer; asked again until it is one. Null when the input ended. */
  async function ask(question: string): Promise<boolean | null> {
    for (;;) {
      const line = await reader.next(question);
      if (line === null) return null;
      const answer = yesOrNo(line);
      if (answer !== null) return answer;
      output.write(`Please answer oui or non (yes or no).\n`);
    }
  }

  try {
    for (;;) {
      const line = await reader.next('> ');
      if (line === null) break;
      const message = line.trim();
      if (message === 'exit' || message === 'quit') break;
      if (message === '') continue;
      const turn = createTurnResult();
      await play(
        (signal) => agent.send({ ...(session ? { sessionId: session } : {}), message, signal }),
        turn,
      );
      if (!(await settle(turn))) break;
    }
  } finally {
    reader.close();
  }
  if (session) output.write(`(session ${session})\n`);
  return 0;
}
