// A quantity typed the Italian way: "2", "1,5", "0.25". Empty → 1 is not assumed: undefined.

/** Text → a positive number; `undefined` when it is not one. */
export function parseQuantity(text: string): number | undefined {
  const s = text.trim().replace(/\s/g, '');
  if (!/^\d+([.,]\d+)?$/.test(s)) return undefined;
  const n = Number(s.replace(',', '.'));
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * A travel field: empty → `null` (not sent); kilometres may have decimals, minutes are whole;
 * zero is allowed. `undefined` when it is not a number.
 */
export function parseTravel(text: string, whole: boolean): number | null | undefined {
  const s = text.trim();
  if (!s) return null;
  if (!(whole ? /^\d+$/ : /^\d+([.,]\d+)?$/).test(s)) return undefined;
  return Number(s.replace(',', '.'));
}
