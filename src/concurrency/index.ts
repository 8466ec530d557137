export { Session, openSession, DEFAULT_SESSION_TTL, type SessionOptions } from './session.js';
export { LockHandle } from './lock-handle.js';
export { Mutex, type LockOptions } from './mutex.js';
export { RWMutex, type RWLockOptions } from './rwmutex.js';
export { Election, type ElectionOptions } from './election.js';
export type { SessionChoice } from './session-holder.js';
export type { WaitOptions } from './stop.js';
