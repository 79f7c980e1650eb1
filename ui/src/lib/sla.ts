// The SLA panel's live view of a clock computed by core. Core gives the business minutes left when
// the page loaded and the instant the target falls due; between two reloads the countdown can tick
// every second only when that is exact: in wall-clock time (extra time, 24x7), or when the calendar
// stays open from the load until the due instant (then business time = wall time). Otherwise the
// value stays as loaded and the page reloads the clocks every minute.

import type { SlaClock } from '../bindings/SlaClock';
import type { SlaState } from '../bindings/SlaState';

/** The states the panel colours: core's four plus paused (waiting for the client). */
export type ClockDisplayState = SlaState | 'paused';

export type LiveClock = {
  /** Business seconds left (negative: late by that much). */
  leftSeconds: number;
  state: ClockDisplayState;
  /** The value changes every second (see the module comment). */
  ticking: boolean;
};

/** Share of the target after which a running clock is at risk (core's AT_RISK_PERCENT). */
export const AT_RISK_PERCENT = 75;

/** Slack allowed between "due − loaded" and "left" for the calendar to count as open throughout. */
const CONTINUOUS_SLACK_S = 90;

export function isTicking(clock: SlaClock, wallClock: boolean, loadedAtMs: number): boolean {
  if (!clock.running || !clock.due_at) return false;
  if (wallClock) return true;
  const due = Date.parse(clock.due_at);
  if (Number.isNaN(due)) return false;
  const wallLeft = (due - loadedAtMs) / 1000;
  return Math.abs(wallLeft - clock.left_minutes * 60) <= CONTINUOUS_SLACK_S;
}

export function liveClock(clock: SlaClock, wallClock: boolean, loadedAtMs: number, nowMs: number): LiveClock {
  const ticking = isTicking(clock, wallClock, loadedAtMs);
  const leftSeconds =
    ticking && clock.due_at ? Math.floor((Date.parse(clock.due_at) - nowMs) / 1000) : clock.left_minutes * 60;
  let state: ClockDisplayState = clock.state;
  if (ticking) {
    const target = clock.target_minutes * 60;
    const used = target - leftSeconds;
    state = leftSeconds < 0 ? 'breached' : used * 100 >= target * AT_RISK_PERCENT ? 'at_risk' : 'on_time';
  } else if (clock.paused && clock.state !== 'breached') {
    state = 'paused';
  }
  return { leftSeconds, state, ticking };
}

/** Share of the target used, 0–100, for the clock's bar. */
export function usedPercent(clock: SlaClock, leftSeconds: number): number {
  const target = clock.target_minutes * 60;
  if (target <= 0) return 100;
  return Math.min(100, Math.max(0, Math.round(((target - leftSeconds) / target) * 100)));
}
