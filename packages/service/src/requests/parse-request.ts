import type { z } from 'zod';
import { ServiceError } from '../errors/service-error.js';

/**
 * A request's body, query or path parameters checked against a zod schema; the first issue becomes a
 * 400 `invalid_request` naming the field (`limit: Too big: …`), or `what` when the issue is about
 * the whole value (`body: …`).
 */
export function parseRequest<T>(schema: z.ZodType<T>, value: unknown, what = ''): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : what ? `${what}: ` : '';
  throw new ServiceError('invalid_request', 400, `${where}${issue?.message ?? 'invalid request'}`);
}

/** The request's body as JSON, or a 400 `invalid_json` when it is not JSON. */
export async function readJsonBody(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw new ServiceError('invalid_json', 400, 'the request body is not valid JSON');
  }
}
