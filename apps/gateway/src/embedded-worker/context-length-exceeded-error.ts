/**
 * A prompt (or an embedding input) that does not fit the model's context: 400
 * `context_length_exceeded`, OpenAI's code for it, with the field to shorten as `param`.
 */
export class ContextLengthExceededError extends Error {
  readonly code = 'context_length_exceeded';

  constructor(
    message: string,
    readonly param: 'messages' | 'prompt' | 'input',
  ) {
    super(message);
    this.name = 'ContextLengthExceededError';
  }
}
