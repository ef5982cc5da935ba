import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AgentEvent } from '../agent/agent-events.js';
import { apiError, statusOf } from './api-error.js';

export interface StreamEventsOptions {
  /** Called once the stream is over, whether it ended, failed or the client left. */
  onEnd?: () => void;
  /** Unexpected failures (the agent threw instead of emitting an `error` event). */
  onFailure?: (error: unknown) => void;
}

/**
 * Answers with the agent's events as Server-Sent Events (event name = the event's type, data = the
 * event as JSON), written as they happen. When the very first event is an `error` whose code has a
 * status (an expired or used approval, an unknown session), nothing has been streamed yet: it is
 * answered as our JSON error with that status instead. A client that disconnects aborts the turn
 * through `signal`; the events that still come are read to the end so that the agent finishes
 * storing what it did, and are dropped.
 */
export async function streamEvents(
  context: Context,
  start: (signal: AbortSignal) => AsyncIterable<AgentEvent>,
  options: StreamEventsOptions = {},
): Promise<Response> {
  const controller = new AbortController();
  const request = context.req.raw.signal;
  const abort = () => controller.abort();
  if (request.aborted) abort();
  else request.addEventListener('abort', abort, { once: true });
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    request.removeEventListener('abort', abort);
    options.onEnd?.();
  };

  let iterator: AsyncIterator<AgentEvent>;
  let first: IteratorResult<AgentEvent>;
  try {
    iterator = start(controller.signal)[Symbol.asyncIterator]();
    first = await iterator.next();
  } catch (error) {
    end();
    throw error;
  }
  if (!first.done && first.value.type === 'error' && statusOf(first.value.code) !== null) {
    end();
    // The agent ends its stream after a refusal; reading it to the end lets it clean up.
    void drain(iterator);
    throw apiError(first.value.code, first.value.message);
  }

  return streamSSE(context, async (sse) => {
    sse.onAbort(abort);
    const write = async (event: AgentEvent) => {
      if (controller.signal.aborted) return;
      await sse.writeSSE({ event: event.type, data: JSON.stringify(event) }).catch(abort);
    };
    try {
      if (first.done) return;
      await write(first.value);
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        await write(next.value);
      }
    } catch (error) {
      if (!controller.signal.aborted) {
        options.onFailure?.(error);
        await write({
          type: 'error',
          code: 'internal_error',
          message: 'the agent failed unexpectedly; see its log',
        });
      }
    } finally {
      end();
    }
  });
}

async function drain(iterator: AsyncIterator<AgentEvent>): Promise<void> {
  try {
    for (;;) if ((await iterator.next()).done) return;
  } catch {
    // The refusal is already answered; what the agent does after it is its own.
  }
}
