export type { ChatMessage } from './chat-message.js';
export type { GenerateOptions, Generator } from './generator.js';
export { createOpenAiGenerator, type OpenAiGeneratorOptions } from './openai-generator.js';
