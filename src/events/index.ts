export { Emitter, rethrowLater } from './emitter.js';
export { Settlement } from './settle.js';
