// What the dashboard says about a balance alert and its lists; the thresholds themselves are
// core's (dashboard.rs): the UI only words them.

import type { BalanceAlert } from '../bindings/BalanceAlert';
import { formatMinutes } from './duration';
import type { MessageKey } from './i18n/it';

export type Badge = { key: MessageKey; params?: Record<string, string | number>; tone: 'danger' | 'warn' };

export function alertBadges(a: BalanceAlert): Badge[] {
  const out: Badge[] = [];
  if (a.low) out.push({ key: 'dashboard.low', tone: 'danger' });
  if (a.expiring) {
    const days = a.balance.days_to_expiry;
    out.push(days === 0 ? { key: 'dashboard.expiringToday', tone: 'warn' } : { key: 'dashboard.expiring', params: { days }, tone: 'warn' });
  }
  return out;
}

/** `3 h 15 min` of hours left, `2 ticket rimasti` for incident packs, else a dash. */
export function leftText(a: BalanceAlert, incidents: (count: number) => string): string {
  const b = a.balance;
  if (b.remaining_minutes !== null) return formatMinutes(b.remaining_minutes);
  if (b.incident_left !== null) return incidents(b.incident_left);
  return '—';
}

/** Share of the included hours already used, 0–100 (null without hours). */
export function usedPercent(a: BalanceAlert): number | null {
  const { included_minutes: inc, used_minutes: used } = a.balance;
  if (!inc || inc <= 0) return null;
  return Math.min(100, Math.max(0, Math.round((used / inc) * 100)));
}

/** How many rows a list leaves out. */
export function moreCount(total: number, shown: number): number {
  return Math.max(0, total - shown);
}
