// The model side of the embedded worker: one GGUF file, a context with `parallel` sequences, and the
// three generations the OpenAI API needs. Thread counts are always set: llama.cpp's default spins
// more threads than a small machine has cores and generation then crawls (TOOLCHAIN.md).
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import {
  ChatMLChatWrapper,
  type ChatModelFunctions,
  type ChatWrapper,
  GeneralChatWrapper,
  getLlama,
  type Llama,
  Llama2ChatWrapper,
  Llama3ChatWrapper,
  LlamaChat,
  LlamaCompletion,
  type LlamaContext,
  type LlamaEmbeddingContext,
  LlamaLogLevel,
  type LlamaModel,
  resolveChatWrapper,
} from 'node-llama-cpp';
import { Mutex, Semaphore } from '../concurrency/index.js';
import { toChatHistory } from './chat-history.js';
import { type ChatRequest, type CompletionRequest, stopList } from './chat-request.js';
import { createCompactJsonSchemaGrammar } from './compact-json-grammar.js';
import { ContextLengthExceededError } from './context-length-exceeded-error.js';
import { withForcedToolCallDocumentation } from './tool-documentation.js';
import { forcedToolCallSchema, toGrammarSchema } from './tool-grammar.js';
import type { WorkerOptions } from './worker-options.js';

export type FinishReason = 'stop' | 'length' | 'tool_calls';

export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface GenerationResult {
  text: string;
  finishReason: FinishReason;
  toolCalls: ToolCall[];
  promptTokens: number;
  completionTokens: number;
  aborted: boolean;
}

export interface GenerationCallbacks {
  signal: AbortSignal;
  /** Streamed text, in order. */
  onText?: (text: string) => void;
}

/**
 * A generation whose prompt has been measured and fits: `run` does the model work. Preparing first lets
 * the HTTP layer answer 400 `context_length_exceeded` before it commits to a 200 stream.
 */
export interface PreparedGeneration {
  promptTokens: number;
  run(callbacks: GenerationCallbacks): Promise<GenerationResult>;
}

export interface LlamaEngine {
  readonly modelId: string;
  readonly contextSize: number;
  /** Throws ContextLengthExceededError when the rendered messages leave no room to generate. */
  prepareChat(request: ChatRequest): PreparedGeneration;
  /** Throws ContextLengthExceededError when the prompt leaves no room to generate. */
  prepareCompletion(request: CompletionRequest): PreparedGeneration;
  embed(texts: readonly string[]): Promise<{ vectors: number[][]; promptTokens: number }>;
  dispose(): Promise<void>;
}

function chatWrapperFor(name: WorkerOptions['chatWrapper'], model: LlamaModel): ChatWrapper {
  switch (name) {
    case 'general':
      return new GeneralChatWrapper();
    case 'chatml':
      return new ChatMLChatWrapper();
    case 'llama2':
      return new Llama2ChatWrapper();
    case 'llama3':
      return new Llama3ChatWrapper();
    case 'auto':
      // Resolved once from the model's metadata (its own template when it has one), so that a prompt
      // can be measured with the same wrapper that will render it.
      return resolveChatWrapper(model);
  }
}

type StopReason =
  | 'eogToken'
  | 'stopGenerationTrigger'
  | 'functionCalls'
  | 'maxTokens'
  | 'abort'
  | 'customStopTrigger';

/** The sampling settings a chat or completion request asks for (OpenAI names → node-llama-cpp's). */
function samplingOptions(request: ChatRequest | CompletionRequest, signal: AbortSignal, maxTokens: number) {
  return {
    signal,
    stopOnAbortSignal: true,
    maxTokens,
    temperature: request.temperature ?? 0.8,
    topP: request.top_p ?? undefined,
    topK: request.top_k ?? undefined,
    minP: request.min_p ?? undefined,
    seed: request.seed ?? undefined,
    customStopTriggers: stopList(request.stop),
  };
}

/**
 * What a generation produced, before its measured prompt size is added (`prepared`): the sequence's
 * meter counts every token it evaluated as input, generated ones fed back included, so it is no
 * measure of the prompt.
 */
type GeneratedResult = Omit<GenerationResult, 'promptTokens'>;

/** Generated tokens and the abort flag of one generation, read from its sequence's meter. */
function usageOf(
  stopReason: StopReason,
  sequence: ReturnType<LlamaContext['getSequence']>,
): Pick<GenerationResult, 'completionTokens' | 'aborted'> {
  return {
    completionTokens: sequence.tokenMeter.usedOutputTokens,
    aborted: stopReason === 'abort',
  };
}

/** A generation that produced text only (no tool calls), with its finish reason and usage. */
function textResult(
  result: { response: string; metadata: { stopReason: StopReason } },
  sequence: ReturnType<LlamaContext['getSequence']>,
): GeneratedResult {
  return {
    text: result.response,
    finishReason: finishOf(result.metadata.stopReason),
    toolCalls: [],
    ...usageOf(result.metadata.stopReason, sequence),
  };
}

/** A measured generation: the measured prompt is the usage's prompt_tokens. */
function prepared(
  promptTokens: number,
  run: (callbacks: GenerationCallbacks) => Promise<GeneratedResult>,
): PreparedGeneration {
  return { promptTokens, run: (callbacks) => run(callbacks).then((result) => ({ ...result, promptTokens })) };
}

function finishOf(stopReason: StopReason): FinishReason {
  if (stopReason === 'maxTokens') return 'length';
  if (stopReason === 'functionCalls') return 'tool_calls';
  return 'stop';
}

export async function createLlamaEngine(options: WorkerOptions): Promise<LlamaEngine> {
  const llama: Llama = await getLlama({
    gpu: options.gpuLayers > 0 ? 'auto' : false,
    maxThreads: options.threads,
    build: 'never',
    logLevel: LlamaLogLevel.warn,
  });
  const model: LlamaModel = await llama.loadModel({ modelPath: options.model, gpuLayers: options.gpuLayers });
  const contextSize = Math.min(options.contextSize, model.trainContextSize);
  const context: LlamaContext = await model.createContext({
    contextSize,
    sequences: options.parallel,
    threads: options.threads,
  });
  const sequences = new Semaphore(options.parallel);
  const wrapper = chatWrapperFor(options.chatWrapper, model);
  let embeddingContext: Promise<LlamaEmbeddingContext> | null = null;
  const embeddingLock = new Mutex();
  const modelId = options.alias ?? basename(options.model).replace(/\.gguf$/i, '');

  async function withSequence<T>(
    signal: AbortSignal,
    body: (sequence: ReturnType<LlamaContext['getSequence']>) => Promise<T>,
  ): Promise<T> {
    const release = await sequences.acquire(signal);
    try {
      const sequence = context.getSequence();
      try {
        return await body(sequence);
      } finally {
        // Awaited: node-llama-cpp gives the sequence id back to the context asynchronously, and a slot
        // released before that let the next request find "No sequences left" (1 in 40 under load).
        await sequence.dispose();
      }
    } finally {
      release();
    }
  }

  /**
   * Refuses a prompt that leaves no room to generate, before any slot or model time is spent: a longer
   * one was silently cut (context shift) and answered 200 with `prompt_tokens: 0`.
   */
  function checkPromptLength(promptTokens: number, what: 'messages' | 'prompt' | 'input'): void {
    if (promptTokens < contextSize) return;
    throw new ContextLengthExceededError(
      `This model's maximum context length is ${contextSize} tokens. However, your ${what} resulted in ${promptTokens} tokens. Please reduce the length of the ${what}.`,
      what,
    );
  }

  /** max_tokens as asked, bounded by the room the prompt leaves in the context. */
  const maxTokensOf = (
    request: { max_tokens?: number | null; max_completion_tokens?: number | null },
    promptTokens: number,
  ) =>
    Math.max(
      1,
      Math.min(
        request.max_tokens ?? request.max_completion_tokens ?? contextSize,
        contextSize - promptTokens,
      ),
    );

  return {
    modelId,
    contextSize,

    prepareChat(request) {
      const tools = request.tool_choice === 'none' ? [] : (request.tools ?? []);
      const forced =
        tools.length > 0 &&
        (request.tool_choice === 'required' ||
          (typeof request.tool_choice === 'object' && request.tool_choice !== null));
      const chosen = forced
        ? typeof request.tool_choice === 'object' && request.tool_choice !== null
          ? tools.filter(
              (tool) =>
                tool.function.name === (request.tool_choice as { function: { name: string } }).function.name,
            )
          : tools
        : [];
      if (forced && chosen.length === 0)
        throw new RangeError('tool_choice names a function that is not in tools');
      // A forced call's tools are documented in the history (the grammar offers their names only);
      // the others are documented by node-llama-cpp from `functions`.
      const history = forced
        ? withForcedToolCallDocumentation(toChatHistory(request.messages), chosen)
        : toChatHistory(request.messages);
      const functions: ChatModelFunctions | undefined =
        tools.length > 0 && !forced
          ? Object.fromEntries(
              tools.map((tool) => [
                tool.function.name,
                {
                  description: tool.function.description,
                  params: toGrammarSchema(tool.function.parameters ?? { type: 'object', properties: {} }),
                },
              ]),
            )
          : undefined;
      // The prompt as the model will read it: the rendered history, function documentation included.
      const rendered = wrapper.generateContextState({
        chatHistory: history,
        ...(functions ? { availableFunctions: functions, documentFunctionParams: true } : {}),
      });
      const promptTokens = rendered.contextText.tokenize(model.tokenizer).length;
      checkPromptLength(promptTokens, 'messages');
      const run = (callbacks: GenerationCallbacks) =>
        withSequence(callbacks.signal, async (sequence): Promise<GeneratedResult> => {
          const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: wrapper });
          try {
            const common = samplingOptions(request, callbacks.signal, maxTokensOf(request, promptTokens));
            if (forced) {
              const { grammar, parse } = await createCompactJsonSchemaGrammar(
                llama,
                forcedToolCallSchema(chosen),
              );
              const result = await chat.generateResponse(history, { ...common, grammar });
              const base = usageOf(result.metadata.stopReason, sequence);
              // Cut short by max_tokens: the JSON is incomplete, so no tool call is claimed.
              if (result.metadata.stopReason === 'maxTokens' || result.metadata.stopReason === 'abort') {
                return { ...base, text: result.response, finishReason: 'length', toolCalls: [] };
              }
              const parsed = parse(result.response) as {
                name: string;
                arguments: unknown;
              };
              return {
                ...base,
                text: '',
                finishReason: 'tool_calls',
                toolCalls: [
                  {
                    id: `call_${randomUUID()}`,
                    name: parsed.name,
                    arguments: JSON.stringify(parsed.arguments),
                  },
                ],
              };
            }
            if (functions) {
              const result = await chat.generateResponse(history, {
                ...common,
                functions,
                documentFunctionParams: true,
                onTextChunk: callbacks.onText,
              });
              const toolCalls = (result.functionCalls ?? []).map((call) => ({
                id: `call_${randomUUID()}`,
                name: call.functionName,
                arguments: JSON.stringify(call.params ?? {}),
              }));
              return {
                text: result.response,
                finishReason: toolCalls.length > 0 ? 'tool_calls' : finishOf(result.metadata.stopReason),
                toolCalls,
                ...usageOf(result.metadata.stopReason, sequence),
              };
            }
            // Structured output: `json_schema` constrains to the schema, `json_object` to any JSON value.
            const format = request.response_format;
            const schema =
              format?.type === 'json_schema'
                ? ((format.json_schema as { schema?: unknown } | undefined)?.schema ?? null)
                : null;
            const grammar =
              format?.type === 'json_schema' && schema
                ? await llama.createGrammarForJsonSchema(toGrammarSchema(schema) as never)
                : format?.type === 'json_object'
                  ? await llama.getGrammarFor('json')
                  : undefined;
            const result = await chat.generateResponse(history, {
              ...common,
              ...(grammar ? { grammar } : {}),
              onTextChunk: callbacks.onText,
            });
            return textResult(result, sequence);
          } finally {
            chat.dispose({ disposeSequence: false });
          }
        });
      return prepared(promptTokens, run);
    },

    prepareCompletion(request) {
      const prompt = typeof request.prompt === 'string' ? request.prompt : (request.prompt[0] ?? '');
      // The beginning-of-sequence token the completion adds counts too.
      const promptTokens = model.tokenize(prompt).length + 1;
      checkPromptLength(promptTokens, 'prompt');
      const run = (callbacks: GenerationCallbacks) =>
        withSequence(callbacks.signal, async (sequence): Promise<GeneratedResult> => {
          const completion = new LlamaCompletion({ contextSequence: sequence });
          try {
            const result = await completion.generateCompletionWithMeta(prompt, {
              ...samplingOptions(request, callbacks.signal, maxTokensOf(request, promptTokens)),
              onTextChunk: callbacks.onText,
            });
            return textResult(result, sequence);
          } finally {
            completion.dispose({ disposeSequence: false });
          }
        });
      return prepared(promptTokens, run);
    },

    async embed(texts) {
      // Every input is measured before any is embedded: one too long fails the request up front.
      let promptTokens = 0;
      for (const text of texts) {
        const tokens = model.tokenize(text).length;
        checkPromptLength(tokens, 'input');
        promptTokens += tokens;
      }
      // One embedding context, created on first use and used one text at a time.
      return embeddingLock.run(async () => {
        embeddingContext ??= model.createEmbeddingContext({ contextSize, threads: options.threads });
        const embedder = await embeddingContext;
        const vectors: number[][] = [];
        for (const text of texts) {
          const embedding = await embedder.getEmbeddingFor(text);
          vectors.push([...embedding.vector]);
        }
        return { vectors, promptTokens };
      });
    },

    async dispose() {
      if (embeddingContext) await (await embeddingContext).dispose();
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}
