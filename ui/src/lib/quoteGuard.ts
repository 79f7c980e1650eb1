// The warning before work starts on a ticket outside the contract with no accepted quote: core
// refuses with QUOTE_REQUIRED (nothing written); the app asks, and starts again confirmed.

import { ask } from './confirm.svelte';
import { toAppError } from './errors';

/**
 * Runs `start(false)`; on QUOTE_REQUIRED asks `question` and, when the user goes ahead, runs
 * `start(true)`. Null when the user declines. Any other error is thrown unchanged.
 */
export async function startWithQuoteCheck<T>(
  start: (confirmed: boolean) => Promise<T>,
  question: { message: string; ok: string },
): Promise<T | null> {
  try {
    return await start(false);
  } catch (e) {
    if (toAppError(e).code !== 'QUOTE_REQUIRED') throw e;
    if (!(await ask(question))) return null;
    return start(true);
  }
}
