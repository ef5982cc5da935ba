import { expect } from 'vitest';
import { ToolError } from '../agent-tool.js';

/** The ToolError a tool call rejects with; fails the test when it succeeds or throws anything else. */
export async function toolError(promise: Promise<unknown>): Promise<ToolError> {
  const error = await promise.then(
    () => new Error('the tool succeeded'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ToolError);
  return error as ToolError;
}
