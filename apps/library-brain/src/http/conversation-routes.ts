import { parseRequest, type ServiceEnv } from '@klody/service';
import type { Hono } from 'hono';
import type { Library } from '../library/library.js';
import { apiError } from './api-error.js';
import { conversationIdField } from './book-filter-request.js';

/** GET /api/conversations/:id: a conversation with its turns (questions, rewrites, answers, citations). */
export function addConversationRoutes(app: Hono<ServiceEnv>, library: Library): void {
  app.get('/api/conversations/:id', (context) => {
    const id = parseRequest(conversationIdField, context.req.param('id'), 'id');
    const conversation = library.conversation(id);
    if (!conversation) throw apiError('not_found', `no conversation has the id "${id}"`);
    return context.json(conversation);
  });
}
