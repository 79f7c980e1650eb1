import { describe, expect, it } from 'vitest';

import { answer, ask, confirmation } from './confirm.svelte';

describe('ask', () => {
  it('waits for the answer: going ahead, or not', async () => {
    const first = ask({ message: 'Ripristinare?' });
    expect(confirmation.open?.message).toBe('Ripristinare?');
    answer(true);
    await expect(first).resolves.toBe(true);
    expect(confirmation.open).toBeNull();

    const second = ask({ message: 'Scollegare?', ok: 'Scollega', danger: true });
    expect(confirmation.open?.ok).toBe('Scollega');
    answer(false);
    await expect(second).resolves.toBe(false);
  });

  it('asks one question at a time, in order', async () => {
    const a = ask({ message: 'A' });
    const b = ask({ message: 'B' });
    expect(confirmation.open?.message).toBe('A');
    answer(false);
    expect(confirmation.open?.message).toBe('B');
    answer(true);
    await expect(a).resolves.toBe(false);
    await expect(b).resolves.toBe(true);
    expect(confirmation.open).toBeNull();
    answer(true); // nothing open: nothing happens
    expect(confirmation.open).toBeNull();
  });
});
