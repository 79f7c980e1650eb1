// Keyboard navigation of a result list (client list): which row is active after a key press.

/** What a key does to the active row of a list of `count` rows: the new index, or null if the key
 * is not for the list. From the search box (active -1) ArrowDown enters the list. */
export function nextActive(key: string, active: number, count: number): number | null {
  if (count === 0) return null;
  switch (key) {
    case 'ArrowDown':
      return Math.min(count - 1, active + 1);
    case 'ArrowUp':
      return Math.max(-1, active - 1);
    case 'Home':
      return active < 0 ? null : 0;
    case 'End':
      return active < 0 ? null : count - 1;
    default:
      return null;
  }
}
