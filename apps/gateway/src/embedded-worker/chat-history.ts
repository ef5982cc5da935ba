// OpenAI messages → node-llama-cpp's chat history. Assistant tool calls become function-call items
// whose result is the matching `tool` message, so a model that knows function calling sees the
// exchange the way its template expects.
import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelResponse } from 'node-llama-cpp';
import type { ChatMessage } from './chat-request.js';

export function messageText(content: ChatMessage['content']): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .filter((text) => text.length > 0)
    .join('\n');
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Builds the history, ending with an empty model turn for the generation to fill. */
export function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const toolResults = new Map<string, string>();
  for (const message of messages) {
    if (message.role === 'tool' && message.tool_call_id)
      toolResults.set(message.tool_call_id, messageText(message.content));
  }
  const history: ChatHistoryItem[] = [];
  for (const message of messages) {
    const text = messageText(message.content);
    switch (message.role) {
      case 'system':
      case 'developer':
        history.push({ type: 'system', text });
        break;
      case 'user':
        history.push({ type: 'user', text });
        break;
      case 'assistant': {
        const response: ChatModelResponse['response'] = [];
        if (text) response.push(text);
        for (const call of message.tool_calls ?? []) {
          const item: ChatModelFunctionCall = {
            type: 'functionCall',
            name: call.function.name,
            params: parseArguments(call.function.arguments),
            result: toolResults.get(call.id) ?? '',
          };
          response.push(item);
        }
        history.push({ type: 'model', response });
        break;
      }
      case 'tool':
        // Already attached to the assistant's call above; an orphan result becomes user text.
        if (!messages.some((other) => other.tool_calls?.some((call) => call.id === message.tool_call_id))) {
          history.push({ type: 'user', text: `Tool result: ${text}` });
        }
        break;
    }
  }
  history.push({ type: 'model', response: [] });
  return history;
}
