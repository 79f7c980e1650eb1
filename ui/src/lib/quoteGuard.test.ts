import { describe, expect, it } from 'vitest';

import { answer, confirmation } from './confirm.svelte';
import { startWithQuoteCheck } from './quoteGuard';

const required = { code: 'QUOTE_REQUIRED', message: 'fuori contratto', field: 'ticket_id' };
const question = { message: 'Iniziare comunque?', ok: 'Inizia comunque' };

describe('the out-of-scope warning before the timer starts', () => {
  it('starts at once when core does not warn', async () => {
    const calls: boolean[] = [];
    const r = await startWithQuoteCheck(async (c) => (calls.push(c), 'ok'), question);
    expect(r).toBe('ok');
    expect(calls).toEqual([false]);
    expect(confirmation.open).toBeNull();
  });

  it('asks on QUOTE_REQUIRED and starts confirmed when the user goes ahead', async () => {
    const calls: boolean[] = [];
    const run = startWithQuoteCheck(async (c) => {
      calls.push(c);
      if (!c) throw required;
      return 'started';
    }, question);
    await Promise.resolve();
    await Promise.resolve();
    expect(confirmation.open?.message).toBe('Iniziare comunque?');
    answer(true);
    expect(await run).toBe('started');
    expect(calls).toEqual([false, true]);
  });

  it('starts nothing when the user declines, and passes other errors on', async () => {
    const calls: boolean[] = [];
    const run = startWithQuoteCheck(async (c) => {
      calls.push(c);
      throw required;
    }, question);
    await Promise.resolve();
    await Promise.resolve();
    answer(false);
    expect(await run).toBeNull();
    expect(calls).toEqual([false]);
    await expect(
      startWithQuoteCheck(async () => {
        throw { code: 'TIMER_STATE', message: 'x', field: null };
      }, question),
    ).rejects.toMatchObject({ code: 'TIMER_STATE' });
  });
});
