export { fetchFailure, remoteError } from './openai-errors.js';
export { createOpenAiSpeechToText, type OpenAiSpeechToTextOptions } from './openai-speech-to-text.js';
export { apiUrl, createOpenAiTextToSpeech, type OpenAiTextToSpeechOptions } from './openai-text-to-speech.js';
