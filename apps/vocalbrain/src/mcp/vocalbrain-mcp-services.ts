import type { Services } from '../services.js';

/** What VocalBrain's MCP tools use of the app's services: the same objects the HTTP routes use. */
export type VocalBrainMcpServices = Pick<
  Services,
  'config' | 'engines' | 'voices' | 'profiles' | 'router' | 'measurements' | 'library' | 'logger'
>;
