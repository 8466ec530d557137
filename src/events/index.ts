export { Emitter, rethrowLater, type Event, type ListenerErrorHandler } from './emitter.js';
export { Settlement } from './settle.js';
