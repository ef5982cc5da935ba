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
} from 'node-llama-cpp';
import { Mutex, Semaphore } from '../concurrency/index.js';
import { toChatHistory } from './chat-history.js';
import { type ChatRequest, type CompletionRequest, stopList } from './chat-request.js';
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

export interface LlamaEngine {
  readonly modelId: string;
  readonly contextSize: number;
  chat(request: ChatRequest, callbacks: GenerationCallbacks): Promise<GenerationResult>;
  complete(request: CompletionRequest, callbacks: GenerationCallbacks): Promise<GenerationResult>;
  embed(texts: readonly string[]): Promise<{ vectors: number[][]; promptTokens: number }>;
  dispose(): Promise<void>;
}

function chatWrapperFor(name: WorkerOptions['chatWrapper']): ChatWrapper | 'auto' {
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
      return 'auto';
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

/** Token counts and the abort flag of one generation, read from its sequence's meter. */
function usageOf(
  stopReason: StopReason,
  sequence: ReturnType<LlamaContext['getSequence']>,
): Pick<GenerationResult, 'promptTokens' | 'completionTokens' | 'aborted'> {
  return {
    promptTokens: sequence.tokenMeter.usedInputTokens,
    completionTokens: sequence.tokenMeter.usedOutputTokens,
    aborted: stopReason === 'abort',
  };
}

/** A generation that produced text only (no tool calls), with its finish reason and usage. */
function textResult(
  result: { response: string; metadata: { stopReason: StopReason } },
  sequence: ReturnType<LlamaContext['getSequence']>,
): GenerationResult {
  return {
    text: result.response,
    finishReason: finishOf(result.metadata.stopReason),
    toolCalls: [],
    ...usageOf(result.metadata.stopReason, sequence),
  };
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
  const wrapper = chatWrapperFor(options.chatWrapper);
  let embeddingContext: Promise<LlamaEmbeddingContext> | null = null;
  const embeddingLock = new Mutex();
  const modelId = options.alias ?? basename(options.model).replace(/\.gguf$/i, '');

  async function withSequence<T>(
    signal: AbortSignal,
    body: (sequence: ReturnType<LlamaContext['getSequence']>) => Promise<T>,
  ): Promise<T> {
    const release = await sequences.acquire(signal);
    const sequence = context.getSequence();
    try {
      return await body(sequence);
    } finally {
      sequence.dispose();
      release();
    }
  }

  const maxTokensOf = (request: { max_tokens?: number | null; max_completion_tokens?: number | null }) =>
    Math.min(request.max_tokens ?? request.max_completion_tokens ?? contextSize, contextSize);

  return {
    modelId,
    contextSize,

    chat(request, callbacks) {
      return withSequence(callbacks.signal, async (sequence) => {
        const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: wrapper });
        try {
          const history = toChatHistory(request.messages);
          const tools = request.tool_choice === 'none' ? [] : (request.tools ?? []);
          const forced =
            tools.length > 0 &&
            (request.tool_choice === 'required' ||
              (typeof request.tool_choice === 'object' && request.tool_choice !== null));
          const common = samplingOptions(request, callbacks.signal, maxTokensOf(request));
          if (forced) {
            const chosen =
              typeof request.tool_choice === 'object' && request.tool_choice !== null
                ? tools.filter(
                    (tool) =>
                      tool.function.name ===
                      (request.tool_choice as { function: { name: string } }).function.name,
                  )
                : tools;
            if (chosen.length === 0)
              throw new RangeError('tool_choice names a function that is not in tools');
            const grammar = await llama.createGrammarForJsonSchema(forcedToolCallSchema(chosen) as never);
            const result = await chat.generateResponse(history, { ...common, grammar });
            const base = usageOf(result.metadata.stopReason, sequence);
            // Cut short by max_tokens: the JSON is incomplete, so no tool call is claimed.
            if (result.metadata.stopReason === 'maxTokens' || result.metadata.stopReason === 'abort') {
              return { ...base, text: result.response, finishReason: 'length', toolCalls: [] };
            }
            const parsed = grammar.parse(result.response) as unknown as { name: string; arguments: unknown };
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
          if (tools.length > 0) {
            const functions: ChatModelFunctions = Object.fromEntries(
              tools.map((tool) => [
                tool.function.name,
                {
                  description: tool.function.description,
                  params: toGrammarSchema(tool.function.parameters ?? { type: 'object', properties: {} }),
                },
              ]),
            );
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
    },

    complete(request, callbacks) {
      return withSequence(callbacks.signal, async (sequence) => {
        const completion = new LlamaCompletion({ contextSequence: sequence });
        try {
          const prompt = typeof request.prompt === 'string' ? request.prompt : (request.prompt[0] ?? '');
          const result = await completion.generateCompletionWithMeta(prompt, {
            ...samplingOptions(request, callbacks.signal, maxTokensOf(request)),
            onTextChunk: callbacks.onText,
          });
          return textResult(result, sequence);
        } finally {
          completion.dispose({ disposeSequence: false });
        }
      });
    },

    embed(texts) {
      // One embedding context, created on first use and used one text at a time.
      return embeddingLock.run(async () => {
        embeddingContext ??= model.createEmbeddingContext({ contextSize, threads: options.threads });
        const embedder = await embeddingContext;
        const vectors: number[][] = [];
        let promptTokens = 0;
        for (const text of texts) {
          promptTokens += model.tokenize(text).length;
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
