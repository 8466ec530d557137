/**
 * What the client knows about the etcd version it talks to, and the behaviours
 * that differ between versions, each named once with the first version that
 * has it (docs/compatibility.md explains each). Internal.
 *
 * The version is read from `Maintenance.Status` at connect. etcd 3.5 and later
 * refuse Status to a user without the root role once authentication is on;
 * that refusal itself proves the server is 3.5 or later (3.4 answers Status to
 * anyone), so such a client knows a lower bound and nothing more precise.
 */
export const SINCE = {
  /** The AuthStatus RPC (3.4 answers Unimplemented). */
  authStatus: '3.5.0',
  /** Maintenance.Status, AuthStatus and Compact need the root role under authentication. */
  rootOnlyStatus: '3.5.0',
  /** A progress reply no longer overtakes events queued for its stream (etcd-io/etcd#15220). */
  orderedProgress: '3.5.8',
} as const;

type Triple = readonly [number, number, number];

/** Parses `'3.5.30'` (or `'3.5.30-rc.1'`) into numbers; undefined for anything else. */
export function parseVersion(text: string | undefined): Triple | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function compare(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** The server version as far as the client knows it: exact, a lower bound, or unknown. */
export class ServerVersion {
  #exact: Triple | undefined;
  #floor: Triple | undefined;

  /** The exact version (from Status). */
  set(text: string | undefined): void {
    const v = parseVersion(text);
    if (v) this.#exact = v;
  }

  /** A lower bound, learnt from a behaviour only that version and later have. */
  atLeastVersion(text: string): void {
    const v = parseVersion(text);
    if (v && !this.#exact && (!this.#floor || compare(v, this.#floor) > 0)) this.#floor = v;
  }

  /** `'3.5.30'`, `'>=3.5.0'`, or undefined when nothing is known. */
  get text(): string | undefined {
    if (this.#exact) return this.#exact.join('.');
    return this.#floor ? `>=${this.#floor.join('.')}` : undefined;
  }

  /**
   * Whether the server is at least `version`: true or false when the client
   * knows, undefined when it cannot tell (then the caller tries, or takes the
   * behaviour that is safe on every version).
   */
  has(version: string): boolean | undefined {
    const want = parseVersion(version);
    if (!want) return undefined;
    if (this.#exact) return compare(this.#exact, want) >= 0;
    if (this.#floor && compare(this.#floor, want) >= 0) return true;
    return undefined;
  }
}
