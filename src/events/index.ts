export { checkListener, Emitter } from './emitter.js';
export { Settlement } from './settle.js';
export type { ListenerErrorHandler } from './emitter.js';
