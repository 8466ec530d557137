export { Config, type AuthOptions, type Partition } from './config.js';
// For the partitioned backend and the call layer only: src/index.ts does not export them.
export { telemetryPartitionOf, withTelemetryFrom, withoutPartitions } from './config.js';
export { DEFAULTS } from './defaults.js';
export type { TLSOptions, ResolvedTLS } from './tls.js';
export type {
  EncryptionKey,
  EncryptionOptions,
  EncryptionKeysOptions,
  EncryptionSettings,
  CompressionAlgorithm,
  CompressionOptions,
  CompressionSettings,
} from './encryption.js';
export type {
  ReadConsistency,
  ReadBatchingOptions,
  WriteBatchingOptions,
  ReadBatching,
  WriteBatching,
} from './reads.js';
