// Durations the user types and reads: hours + minutes fields, "2 h 05 min" totals, countdowns.

export type HoursMinutes = { hours: string; minutes: string };

/** Minutes → the two fields of an hours + minutes input (`null` → both empty). */
export function splitMinutes(total: number | null | undefined): HoursMinutes {
  if (total == null) return { hours: '', minutes: '' };
  const t = Math.max(0, Math.round(total));
  return { hours: String(Math.floor(t / 60)), minutes: String(t % 60) };
}

/**
 * The two fields → minutes. Both empty → `null` (no value). Either field may be empty (counts as
 * 0); decimals in hours are accepted with a comma or a dot ("1,5" h = 90 min). Anything else
 * (letters, negatives, minutes over 59 with hours given) → `undefined`, an invalid input.
 */
export function joinMinutes(f: HoursMinutes): number | null | undefined {
  const h = f.hours.trim();
  const m = f.minutes.trim();
  if (!h && !m) return null;
  const hours = h ? Number(h.replace(',', '.')) : 0;
  if (!/^\d+$/.test(m || '0') || (h && !/^\d+([.,]\d+)?$/.test(h))) return undefined;
  const minutes = Number(m || '0');
  if (!Number.isFinite(hours) || (h && minutes > 59)) return undefined;
  return Math.round(hours * 60) + minutes;
}

/** Minutes → `2 h 05 min` / `45 min` / `12 h` (compact, for totals and targets). */
export function formatMinutes(total: number): string {
  const sign = total < 0 ? '−' : '';
  const t = Math.abs(Math.round(total));
  const h = Math.floor(t / 60);
  const m = t % 60;
  if (h === 0) return `${sign}${m} min`;
  if (m === 0) return `${sign}${h} h`;
  return `${sign}${h} h ${String(m).padStart(2, '0')} min`;
}

/**
 * A countdown's magnitude: `2 g 03 h`, `3 h 05 min`, `12 min 30 s`, `45 s` (days past 24 h,
 * seconds under an hour, or under a day `withSeconds`, for a countdown that ticks). The sign is the
 * caller's ("mancano" / "in ritardo di").
 */
export function formatCountdown(totalSeconds: number, withSeconds = false): string {
  const s = Math.abs(Math.trunc(totalSeconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  const p = (n: number) => String(n).padStart(2, '0');
  if (days > 0) return `${days} g ${p(hours)} h`;
  if (hours > 0) return withSeconds ? `${hours} h ${p(minutes)} min ${p(seconds)} s` : `${hours} h ${p(minutes)} min`;
  if (minutes > 0) return `${minutes} min ${p(seconds)} s`;
  return `${seconds} s`;
}
