/** Settles like `promise`, or rejects if it takes longer than `ms` (so a failure fails fast). */
export async function within<T>(ms: number, promise: Promise<T>, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Retries `check` until it passes or `ms` elapse (then rethrows its last failure). */
export async function eventually(ms: number, check: () => Promise<void> | void): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** True if `promise` is still pending after `ms`. */
export async function stillPending(promise: Promise<unknown>, ms = 300): Promise<boolean> {
  const marker = Symbol('pending');
  const result = await Promise.race([
    promise.then(
      () => 'settled',
      () => 'settled',
    ),
    new Promise((r) => setTimeout(() => r(marker), ms)),
  ]);
  return result === marker;
}

/** Polls `check` every 50 ms until it holds; fails after `ms`, naming `what`. */
export async function until(what: string, check: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Takes the next `n` events of `watch`, failing after `ms`; leaves the watch open. */
export async function take<T>(watch: AsyncIterable<T> & { close(): unknown }, n: number, ms = 10_000): Promise<T[]> {
  const out: T[] = [];
  const it = watch[Symbol.asyncIterator]();
  const timeout = setTimeout(() => void watch.close(), ms);
  try {
    while (out.length < n) {
      const r = await it.next();
      if (r.done) throw new Error(`watch ended after ${out.length} of ${n} events`);
      out.push(r.value);
    }
  } finally {
    clearTimeout(timeout);
  }
  return out;
}
