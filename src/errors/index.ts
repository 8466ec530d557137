export { EtcdKitError, type ErrorCode, type EtcdKitErrorOptions } from './base.js';
export {
  ConfigError,
  ValidationError,
  ValueTooLargeError,
  TxnTooLargeError,
  KeyNotFoundError,
  KeyEncodingError,
  CancelledError,
  ClosedError,
} from './input.js';
export {
  ConnectionError,
  AuthError,
  PermissionDeniedError,
  UnavailableError,
  TimeoutError,
  AmbiguousWriteError,
  PartialWriteError,
  QuotaExceededError,
  CompactedError,
  ResponseTooLargeError,
  LeaseNotFoundError,
  ServerError,
  FutureRevisionError,
  RequestRefusedError,
  RoleNotFoundError,
  UserNotFoundError,
} from './server.js';
export { DecryptionError, ConflictError, CrossPartitionError, LockLostError } from './features.js';
export { PartitionUnavailableError } from './features.js';
export { mapError, messageOf, NO_CREDENTIALS, type ErrorContext } from './map.js';
export { namingKeys, redactKeys } from './redact.js';
