/** Calls `fn` once input has been quiet for `ms`. `cancel()` drops a pending call. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number) {
  let handle: ReturnType<typeof setTimeout> | undefined;
  const call = (...args: A) => {
    if (handle !== undefined) clearTimeout(handle);
    handle = setTimeout(() => {
      handle = undefined;
      fn(...args);
    }, ms);
  };
  call.cancel = () => {
    if (handle !== undefined) clearTimeout(handle);
    handle = undefined;
  };
  return call;
}

/**
 * Keeps only the latest of overlapping async requests (search as you type): `run` returns
 * `undefined` for a response that a newer request has made stale.
 */
export function latestOnly() {
  let seq = 0;
  return async function run<T>(work: () => Promise<T>): Promise<T | undefined> {
    const mine = ++seq;
    try {
      const result = await work();
      return mine === seq ? result : undefined;
    } catch (e) {
      if (mine === seq) throw e;
      return undefined;
    }
  };
}
