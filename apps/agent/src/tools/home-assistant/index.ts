export { createHomeAssistantCallTool, homeAssistantCallToolName } from './home-assistant-call-tool.js';
export {
  createHomeAssistantClient,
  type HomeAssistantClient,
  type HomeAssistantClientOptions,
  type ServiceCall,
} from './home-assistant-client.js';
export type { HomeAssistantEntity } from './home-assistant-entity.js';
export { createHomeAssistantStatesTool, homeAssistantStatesToolName } from './home-assistant-states-tool.js';
export { type EntityMatch, matchEntities } from './match-entities.js';
