export { checkInvalidKeys, Keyspace, type InvalidKeyPolicy, type RawRange } from './keyspace.js';
export { prefixEnd, keyAfter } from './range.js';
