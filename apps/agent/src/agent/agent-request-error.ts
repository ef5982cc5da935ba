/**
 * A request the agent refuses outright, for the methods that do not stream events (`interrupt`): the
 * same codes as the `error` events of the streams (`session_busy`, `turn_not_found`).
 */
export class AgentRequestError extends Error {
  override readonly name = 'AgentRequestError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
