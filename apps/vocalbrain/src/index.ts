export { readConfig, type VocalBrainConfig } from './config/config.js';
export { openVocalBrainDatabase, type VocalBrainDatabase } from './database/open-database.js';
export * from './engines/index.js';
export { createApp } from './http/create-app.js';
export { type RunningServer, type StartServerOptions, startServer } from './http/start-server.js';
export * from './profiles/index.js';
export * from './router/index.js';
export { type CreateServicesOptions, createServices, type Services } from './services.js';
export * from './voices/index.js';
