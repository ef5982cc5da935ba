import type { Writable } from 'node:stream';
import type { AgentEvent } from '../agent/agent-events.js';
import { argumentsLine, stepLine } from './step-line.js';

/**
 * Writes a turn's events for a person as they come: the answer's text streams, each tool call gets
 * one line once it has a result, an approval request says what waits and why.
 */
export function createTerminalRenderer(
  output: Writable,
  options: {
    /** Where the agent's errors go; inline in the conversation (output) without it. */
    errors?: Writable;
  } = {},
): { write(event: AgentEvent): void } {
  let midLine = false;
  const line = (text: string) => {
    if (midLine) output.write('\n');
    midLine = false;
    output.write(`${text}\n`);
  };
  return {
    write(event) {
      switch (event.type) {
        case 'text-delta':
          output.write(event.text);
          midLine = !event.text.endsWith('\n');
          break;
        case 'tool-result':
          line(stepLine(event.step));
          break;
        case 'approval-request':
          line(
            `· ${event.tool} ${argumentsLine(event.arguments, 80)} · ${event.effect} · approval needed: ${event.reason}`,
          );
          break;
        case 'stop':
          if (event.reason === 'invalid_tool_call') line(event.question);
          break;
        case 'error':
          if (options.errors) options.errors.write(`agent: ${event.message} (${event.code})\n`);
          else line(`error: ${event.message} (${event.code})`);
          break;
        case 'turn-end':
          if (midLine) output.write('\n');
          midLine = false;
          break;
        default:
          break;
      }
    },
  };
}
