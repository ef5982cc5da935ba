import { ServiceError } from '@klody/service';
import { approvalErrorStatus } from '../approvals/approval-error.js';

/** The status of each error code the agent's API answers with (CONTRACTS.md: 404 unknown, 409 conflict). */
const statusOfCode: Record<string, number> = {
  invalid_request: 400,
  invalid_json: 400,
  not_found: 404,
  session_not_found: 404,
  ...approvalErrorStatus,
  session_busy: 409,
  nothing_to_resume: 409,
  nothing_to_decide: 409,
  mcp_server_not_found: 404,
  mcp_tool_not_found: 404,
};

/** The HTTP status of a code the agent or its stores produce, or null for a code we do not know. */
export function statusOf(code: string): number | null {
  return statusOfCode[code] ?? null;
}

/** One of the API's own errors: `{ "error": { code, message } }` with its status. */
export function apiError(code: string, message: string): ServiceError {
  return new ServiceError(code, statusOf(code) ?? 500, message);
}
