// Live elapsed time, computed from what the database holds: billable seconds already closed plus
// the running segment since its start. The UI never counts time on its own.

import type { InterventionDetail } from '../bindings/InterventionDetail';
import type { RunningTimer } from '../bindings/RunningTimer';
import { formatClock } from './format';

/** Seconds elapsed since an RFC 3339 instant, never negative. */
export function secondsSince(startedAt: string, nowMs: number): number {
  const start = Date.parse(startedAt);
  if (Number.isNaN(start)) return 0;
  return Math.max(0, Math.floor((nowMs - start) / 1000));
}

/** Total time on the running timer's intervention at `nowMs`. */
export function runningTotal(timer: RunningTimer, nowMs: number): number {
  const closed = timer.total_seconds - timer.segment_seconds;
  return closed + secondsSince(timer.segment_started_at, nowMs);
}

/** Total time on an intervention at `nowMs`: billable entries plus the open segment, if any. */
export function interventionTotal(detail: InterventionDetail, nowMs: number): number {
  const open = detail.time_entries.find((e) => e.kind === 'timer' && e.ended_at === null);
  const running = open ? secondsSince(open.started_at, nowMs) : 0;
  return detail.totals.billable_seconds + running;
}

/** `⏱ 00:12:31 · T-2026-MR-0003 — Rapportino`, or just `Rapportino` with no timer. */
export function windowTitle(timer: RunningTimer | null, nowMs: number): string {
  if (!timer) return 'Rapportino';
  return `⏱ ${formatClock(runningTotal(timer, nowMs))} · ${timer.ticket_number} — Rapportino`;
}
