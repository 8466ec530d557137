export { Instruments } from './instruments.js';
export { CallTrace } from './call.js';
export type * from './types.js';
