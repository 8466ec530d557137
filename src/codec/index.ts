export { identityCodec, type ValueCodec } from './codec.js';
export { toBuffer, type Value } from './value.js';
export { EnvelopeCodec, createCodec } from './envelope-codec.js';
