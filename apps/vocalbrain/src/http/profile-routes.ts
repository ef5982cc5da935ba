import {
  limitBody,
  mebibyte,
  parseRequest,
  readJsonBody,
  type ServiceEnv,
  ServiceError,
} from '@klody/service';
import { Hono } from 'hono';
import { checkProfileVoice } from '../profiles/check-profile-voice.js';
import { profileInputSchema } from '../profiles/profile.js';
import type { Services } from '../services.js';

/** Voice profiles: GET/POST /api/profiles, GET/PUT/DELETE /api/profiles/:name. */
export function profileRoutes(services: Services): Hono<ServiceEnv> {
  const routes = new Hono<ServiceEnv>();
  const limit = limitBody(mebibyte);
  const notFound = (name: string) => new ServiceError('profile_not_found', 404, `no profile named "${name}"`);

  routes.get('/api/profiles', (context) => context.json({ profiles: services.profiles.list() }));
  routes.get('/api/profiles/:name', (context) => {
    const name = context.req.param('name');
    const profile = services.profiles.get(name);
    if (!profile) throw notFound(name);
    return context.json(profile);
  });
  routes.post('/api/profiles', limit, async (context) => {
    const input = parseRequest(profileInputSchema, await readJsonBody(context.req.raw));
    await checkProfileVoice(input, services);
    return context.json(services.profiles.create(input), 201);
  });
  routes.put('/api/profiles/:name', limit, async (context) => {
    const body = await readJsonBody(context.req.raw);
    // The name may be left out of the body: the path names the profile.
    const withName =
      typeof body === 'object' && body !== null && !('name' in body)
        ? { ...body, name: context.req.param('name') }
        : body;
    const input = parseRequest(profileInputSchema, withName);
    await checkProfileVoice(input, services);
    return context.json(services.profiles.update(context.req.param('name'), input));
  });
  routes.delete('/api/profiles/:name', (context) => {
    const name = context.req.param('name');
    if (!services.profiles.remove(name)) throw notFound(name);
    return context.json({ deleted: name });
  });
  return routes;
}
