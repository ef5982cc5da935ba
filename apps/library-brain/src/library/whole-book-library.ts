// Whole-book answers wired to the library: the gateway's chat model as the answerer uses it, the
// filter's books, and the answer in the shape the conversation step takes.
import { createOpenAiGenerator, type MemoryDatabase } from '@klody/memory';
import type { LibraryBrainConfig } from '../config/config.js';
import type { AskOptions, BookAnswer } from './answerer.js';
import type { GatewayConnection } from './gateway-connection.js';
import { createWholeBookAnswerer, type WholeBookProgress } from './whole-book.js';

export interface LibraryWholeBookOptions {
  config: LibraryBrainConfig;
  connection: GatewayConnection;
  database: MemoryDatabase;
}

/** `answer` is null when the question is not about a whole book: the usual answerer takes it. */
export function createLibraryWholeBook({ config, connection, database }: LibraryWholeBookOptions) {
  const baseUrl = config.gatewayURL;
  const answerer = createWholeBookAnswerer({
    database,
    generator: () =>
      baseUrl && connection.usable('chat') && connection.serves(config.chatModel)
        ? createOpenAiGenerator({
            baseUrl,
            model: config.chatModel,
            apiKey: config.gatewayAPIKey ?? undefined,
            firstTokenTimeoutMs: config.gatewayTimeoutMs,
            idleTimeoutMs: config.gatewayIdleTimeoutMs,
            maxTokens: config.answerTokens,
          })
        : null,
    unavailable: () =>
      baseUrl && !connection.usable('chat')
        ? {
            code: 'gateway_unreachable',
            message: `the gateway at ${baseUrl} is unavailable (${connection.health().reason ?? 'it does not answer'}): the book's own text instead`,
          }
        : null,
    onGeneratorFailure: (error) => connection.reportFailure('chat', error),
    promptTokens: config.promptTokens,
    answerTokens: config.answerTokens,
    gatewayURL: baseUrl,
  });
  return {
    async answer(
      question: string,
      options: AskOptions & { onProgress?: (progress: WholeBookProgress) => void },
    ): Promise<BookAnswer | null> {
      if (!answerer.intent(question)) return null;
      // A gateway that failed is asked again once the retry interval has passed.
      await connection.refresh();
      const answer = await answerer.answer(question, {
        allowedBookIds: options.filter?.sourceIds ?? null,
        onProgress: options.onProgress,
        onToken: options.onToken,
        signal: options.signal,
      });
      return answer ? { ...answer, translatedQuestion: null } : null;
    },
  };
}
