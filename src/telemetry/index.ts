export { Instruments, type TelemetrySettings } from './instruments.js';
export { CallTrace } from './call.js';
export { callChannel, eventChannels, callSubscribed } from './channels.js';
export type * from './types.js';
