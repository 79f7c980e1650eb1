import { describe, expect, it } from 'vitest';

import { nextActive } from './listKeys';

describe('list keys', () => {
  it('moves down from the search box into the list and stops at the ends', () => {
    expect(nextActive('ArrowDown', -1, 3)).toBe(0);
    expect(nextActive('ArrowDown', 2, 3)).toBe(2);
    expect(nextActive('ArrowUp', 0, 3)).toBe(-1);
    expect(nextActive('ArrowUp', -1, 3)).toBe(-1);
    expect(nextActive('End', 0, 3)).toBe(2);
    expect(nextActive('Home', 2, 3)).toBe(0);
  });

  it('leaves other keys and empty lists alone', () => {
    expect(nextActive('Home', -1, 3)).toBeNull();
    expect(nextActive('a', 1, 3)).toBeNull();
    expect(nextActive('ArrowDown', -1, 0)).toBeNull();
  });
});
