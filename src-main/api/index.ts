export { AppCore, type CoreOptions, type Dialogs } from './core';
export { createHandlers, type Handlers } from './handlers';
export { dispatch, toApiError } from './dispatch';
export { createMediaHandler, type MediaHandler } from './media-handler';
export { startWebServer, CONTENT_SECURITY_POLICY, isLoopback, type WebServer } from './web-server';
export { EventBus } from './events';
