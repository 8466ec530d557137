import type { Tracer } from '@opentelemetry/api';
import type { Client, Config, KeyValue, Mirror } from '../../src/index.js';
import type { checkWatch } from '../../src/testing/index.js';

/*
 * What a fragment of the README or a guide may use without declaring it (see test/support/doc-blocks.ts): the
 * objects an earlier paragraph set up, and the application's own functions the examples call. Declarations only:
 * a block that runs gets a real `client` and nothing else.
 */

// Set up by the guide's earlier paragraphs.
export declare const client: Client;
export declare const config: Config;
export declare const lease: Awaited<ReturnType<Client['lease']>>;
export declare const lock: ReturnType<Client['newLock']>;
export declare const mutex: ReturnType<Client['newLock']>;
export declare const signal: AbortSignal;
/** 32-byte encryption keys. */
export declare const key: Buffer;
export declare const oldKey: Buffer;
export declare const newKey: Buffer;
export declare const leaseId: string;
export declare const oldId: string;
export declare const seen: KeyValue;
export declare const next: string;
export declare const data: string;
export declare const workerId: string;
export declare const instanceId: string;
export declare const podJson: string;
export declare const eventJson: string;
export declare const rows: ReadonlyArray<{ id: number; name: string }>;
export declare const checkpoint: number;
export declare const start: number;
/** The reference history a watch check compares deliveries with. */
export declare const events: Parameters<typeof checkWatch>[1];
export declare const tracer: Tracer;

// The application's own code.
type Level = (...args: unknown[]) => void;
export declare const log: { info: Level; warn: Level; error: Level };
export declare const metrics: {
  gauge(name: string, value: number, labels?: Record<string, string>): void;
  state(state: string): void;
};
type Token = Awaited<ReturnType<Client['watchPartitioned']>>['token'];
export declare const store: {
  load(name: string): Promise<Token | undefined>;
  save(name: string, token: Token): Promise<void>;
};
export declare function handle(event: unknown): Promise<void>;
export declare function doBilling(options?: { signal?: AbortSignal }): Promise<void>;
export declare function stopScheduling(): void;
export declare function applyMode(mode: string): void;
export declare function loadCheckpoint(): Promise<number>;
export declare function saveCheckpoint(revision: number): Promise<void>;
export declare function relistAndRestart(): Promise<void>;
export declare function rebuildIndexes(entries: ReturnType<Mirror['entries']>): void;
