/**
 * Counts the asynchronous work a stream chain has started (sink writes, commits, dead-letter
 * produces) so that a source can wait until the chain has caught up before it fetches more.
 *
 * Synchronous operators finish inside `subscriber.next()`; only promises can outlive it. A value
 * queued behind a running promise (in concatMap's buffer) is started by that promise's completion,
 * in the same microtask flush. So "every tracked promise has settled, and still none is pending once
 * the microtask queue has drained" means the chain holds no queued work: only state such as an open
 * window, which its own size bounds.
 */
export class InFlight {
  #pending = 0;
  #waiters: Array<() => void> = [];

  get pending(): number {
    return this.#pending;
  }

  /** Counts `work` as in flight until it settles; returns it, so `track(p)` can stand where `p` stood. */
  track<T>(work: PromiseLike<T>): Promise<T> {
    const promise = Promise.resolve(work);
    this.#pending += 1;
    const release = (): void => {
      this.#pending -= 1;
      if (this.#pending === 0) this.#wakeWaiters();
    };
    promise.then(release, release);
    return promise;
  }

  /** Resolves once nothing is in flight, or as soon as `signal` aborts. */
  async whenIdle(signal?: AbortSignal): Promise<void> {
    while (!signal?.aborted) {
      if (this.#pending === 0) {
        // Let the reactions to the last settled promise run: they may start the next queued piece of work.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.#pending === 0) return;
        continue;
      }
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          signal?.removeEventListener('abort', wake);
          resolve();
        };
        this.#waiters.push(wake);
        signal?.addEventListener('abort', wake, { once: true });
      });
    }
  }

  #wakeWaiters(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
