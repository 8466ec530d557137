import { describe, expect, it } from 'vitest';
import { BrokenCircuitError } from 'cockatiel';
import * as etcd3 from 'etcd3';
import {
  AmbiguousWriteError,
  CompactedError,
  QuotaExceededError,
  ServerError,
  TimeoutError,
  UnavailableError,
  ValidationError,
} from '../errors/index.js';
import { EndpointSkipped, endpointFailed, mayHaveApplied, neverSent, retryableRead } from './classify.js';

const grpc = (text: string) => new etcd3.GRPCUnavailableError(text);

describe('neverSent', () => {
  it('accepts failures raised before a transport carried the request', () => {
    expect(
      neverSent(grpc('14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1')),
    ).toBe(true);
    expect(neverSent(new Error('4 DEADLINE_EXCEEDED: Deadline exceeded after 5.001s,Waiting for LB pick'))).toBe(true);
    expect(neverSent(new BrokenCircuitError())).toBe(true);
    expect(neverSent(new EndpointSkipped('http://a:1'))).toBe(true);
  });

  it("accepts etcd's refusals that come before raft", () => {
    expect(neverSent(new etcd3.EtcdError('etcdserver: no leader'))).toBe(true);
    expect(neverSent(new etcd3.EtcdError('etcdserver: too many requests'))).toBe(true);
  });

  it('refuses anything that may have reached a server', () => {
    expect(neverSent(grpc('14 UNAVAILABLE: Connection dropped'))).toBe(false);
    expect(neverSent(new Error('4 DEADLINE_EXCEEDED: Deadline exceeded after 5.001s,LB pick: 0.001s'))).toBe(false);
    expect(neverSent(new etcd3.EtcdError('etcdserver: request timed out'))).toBe(false);
    expect(neverSent(new etcd3.EtcdError('etcdserver: leader changed'))).toBe(false);
    expect(neverSent(new Error('read ECONNRESET'))).toBe(false);
  });
});

describe('endpointFailed', () => {
  it('counts connection-level failures only', () => {
    expect(endpointFailed(grpc('14 UNAVAILABLE: Connection dropped'))).toBe(true);
    expect(endpointFailed(new Error('4 DEADLINE_EXCEEDED: Deadline exceeded'))).toBe(true);
    expect(endpointFailed(new etcd3.EtcdError('etcdserver: no leader'))).toBe(true);
    expect(endpointFailed(new etcd3.EtcdError('etcdserver: mvcc: database space exceeded'))).toBe(false);
    expect(endpointFailed(new etcd3.EtcdError('etcdserver: too many operations in txn request'))).toBe(false);
  });
});

describe('mayHaveApplied', () => {
  it('is false for refusals that prove nothing was written', () => {
    expect(mayHaveApplied(new ValidationError('x'))).toBe(false);
    expect(mayHaveApplied(new QuotaExceededError('x'))).toBe(false);
    expect(mayHaveApplied(new CompactedError('x', 0, 0))).toBe(false);
  });
  it('is true for lost replies and unknown server errors', () => {
    expect(mayHaveApplied(new UnavailableError('x'))).toBe(true);
    expect(mayHaveApplied(new TimeoutError('x'))).toBe(true);
    expect(mayHaveApplied(new ServerError('x'))).toBe(true);
  });
});

describe('retryableRead', () => {
  it('retries transient failures, never quota or ambiguity', () => {
    expect(retryableRead(new UnavailableError('x'))).toBe(true);
    expect(retryableRead(new TimeoutError('x'))).toBe(true);
    expect(retryableRead(new QuotaExceededError('x', { retryable: true }))).toBe(false);
    expect(retryableRead(new AmbiguousWriteError('x'))).toBe(false);
  });
});
