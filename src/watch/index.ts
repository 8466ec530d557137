export { Watch } from './watch.js';
export type { WatchOptions, PrefixWatchOptions, DecryptionErrorPolicy } from './options.js';
export { Mirror, type MirrorOptions, type MirrorChange, type MirrorResync } from './mirror.js';
export type { WatchEvent, PutEvent, DeleteEvent, WatchEventType } from '../kv/events.js';
