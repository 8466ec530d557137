export {
  Lease,
  grantLease,
  revokeQuietly,
  type LeaseState,
  type LeaseTimeToLive,
  type TimeToLiveOptions,
} from './lease.js';
export { LossSignal, type LossListener } from './loss.js';
