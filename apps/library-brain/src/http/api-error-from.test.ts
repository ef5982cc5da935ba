import { MemoryError, type MemoryErrorCode } from '@klody/memory';
import { describe, expect, it } from 'vitest';
import { apiError } from './api-error.js';
import { apiErrorFrom } from './api-error-from.js';

const gateway = { gatewayURL: 'http://127.0.0.1:8090' };

// Every MemoryError code, so that a code added to the memory package without a status here fails.
const expected: Record<MemoryErrorCode, [code: string, status: number]> &
  Record<string, [code: string, status: number]> = {
  invalid_argument: ['invalid_request', 400],
  unsupported_format: ['unsupported_format', 400],
  binary_content: ['binary_content', 400],
  load_failed: ['load_failed', 400],
  not_found: ['not_found', 404],
  embedder_mismatch: ['embedder_mismatch', 409],
  aborted: ['aborted', 499],
  model_invalid: ['model_invalid', 500],
  worker_failed: ['worker_failed', 500],
  embedder_failed: ['gateway_error', 502],
  reranker_failed: ['gateway_error', 502],
  generator_failed: ['gateway_error', 502],
  web_search_failed: ['gateway_error', 502],
  web_fetch_failed: ['gateway_error', 502],
  schema_too_new: ['schema_too_new', 503],
};

describe('apiErrorFrom', () => {
  for (const [memoryCode, [code, status]] of Object.entries(expected)) {
    it(`maps MemoryError ${memoryCode} to ${status} ${code}`, () => {
      const mapped = apiErrorFrom(new MemoryError(memoryCode as MemoryErrorCode, 'what happened'), gateway);
      expect([mapped?.code, mapped?.status]).toEqual([code, status]);
      expect(mapped?.message).toContain('what happened');
    });
  }

  it('names the gateway for a model that failed, and answers 504 for a time limit', () => {
    const failed = apiErrorFrom(new MemoryError('generator_failed', 'answered 500'), gateway);
    expect(failed?.message).toBe('the gateway at http://127.0.0.1:8090 failed: answered 500');
    const slow = apiErrorFrom(
      new MemoryError('generator_failed', 'no first token within 60 s', {
        cause: new DOMException('no first token within 60 s', 'TimeoutError'),
      }),
      gateway,
    );
    expect([slow?.code, slow?.status]).toEqual(['gateway_timeout', 504]);
    expect(slow?.message).toContain('http://127.0.0.1:8090');
    const local = apiErrorFrom(new MemoryError('embedder_failed', 'the model crashed'), { gatewayURL: null });
    expect([local?.code, local?.status]).toEqual(['model_failed', 502]);
  });

  it('maps file-system errors by their code, keeps its own errors, and leaves bugs to internal_error', () => {
    const missing = Object.assign(new Error("ENOENT: no such file or directory, stat '/books/x.txt'"), {
      code: 'ENOENT',
      path: '/books/x.txt',
    });
    expect(apiErrorFrom(missing, gateway)).toMatchObject({
      code: 'not_found',
      status: 404,
      message: 'no such file or folder: /books/x.txt',
    });
    const nul = Object.assign(new TypeError('The argument must be a string without null bytes'), {
      code: 'ERR_INVALID_ARG_VALUE',
    });
    expect(apiErrorFrom(nul, gateway)?.status).toBe(400);
    const notDatabase = Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' });
    expect(apiErrorFrom(notDatabase, gateway)).toMatchObject({ code: 'database_error', status: 500 });
    const own = apiError('ingestion_running', 'busy');
    expect(apiErrorFrom(own, gateway)).toBe(own);
    expect(apiErrorFrom(new TypeError('undefined is not a function'), gateway)).toBeNull();
  });
});
