export { Config, type AuthOptions, type Partition } from './config.js';
export { DEFAULTS } from './defaults.js';
export type { TLSOptions, ResolvedTLS } from './tls.js';
export {
  DEFAULT_KEY_ID,
  type EncryptionKey,
  type EncryptionOptions,
  type EncryptionKeysOptions,
  type EncryptionSettings,
  type CompressionAlgorithm,
  type CompressionOptions,
  type CompressionSettings,
} from './encryption.js';
export type { ReadConsistency, ReadBatchingOptions, WriteBatchingOptions, ReadBatching, WriteBatching } from './reads.js';
