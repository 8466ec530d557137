export { Watch } from './watch.js';
export type { WatchOptions, PrefixWatchOptions, DecryptionErrorPolicy } from './options.js';
export { Mirror, type MirrorOptions, type MirrorChange, type MirrorResync } from './mirror.js';
export { toWatchEvent, type WatchEvent, type PutEvent, type DeleteEvent, type WatchEventType } from '../kv/events.js';
export { compactionOf } from '../core/stream.js';
