import { describe, expect, it } from 'vitest';

import type { SlaClock } from '../bindings/SlaClock';
import { isTicking, liveClock, usedPercent } from './sla';

const T0 = Date.parse('2026-03-09T09:00:00Z');
const min = 60_000;

function clock(over: Partial<SlaClock> = {}): SlaClock {
  return {
    kind: 'intervention',
    target_minutes: 120,
    counting_from: '2026-03-09T08:30:00Z',
    due_at: new Date(T0 + 90 * min).toISOString(),
    stopped_at: null,
    used_minutes: 30,
    left_minutes: 90,
    state: 'on_time',
    running: true,
    paused: false,
    counting_now: true,
    ...over,
  };
}

describe('isTicking', () => {
  it('ticks when the calendar stays open until due (due − now = left)', () => {
    expect(isTicking(clock(), false, T0)).toBe(true);
  });
  it('does not tick when the calendar closes before due (due − now > left)', () => {
    // 90 business minutes left, but due tomorrow morning: the evening is closed.
    expect(isTicking(clock({ due_at: new Date(T0 + 16 * 60 * min).toISOString() }), false, T0)).toBe(false);
  });
  it('always ticks in wall-clock time; never when stopped or paused', () => {
    expect(isTicking(clock({ due_at: new Date(T0 + 16 * 60 * min).toISOString() }), true, T0)).toBe(true);
    expect(isTicking(clock({ running: false, stopped_at: '2026-03-09T09:00:00Z', state: 'met' }), true, T0)).toBe(
      false,
    );
    expect(isTicking(clock({ running: false, paused: true, due_at: null }), false, T0)).toBe(false);
  });
});

describe('liveClock', () => {
  it('counts down from the due instant', () => {
    const live = liveClock(clock(), false, T0, T0 + 10 * min + 5000);
    expect(live.leftSeconds).toBe(80 * 60 - 5);
    expect(live.state).toBe('on_time');
  });
  it('turns at risk at 75% of the target and breached past it', () => {
    expect(liveClock(clock(), false, T0, T0 + 60 * min).state).toBe('at_risk'); // 30 min left of 120
    const late = liveClock(clock(), false, T0, T0 + 95 * min);
    expect(late.state).toBe('breached');
    expect(late.leftSeconds).toBe(-5 * 60);
  });
  it('keeps core’s value when it cannot tick', () => {
    const c = clock({ due_at: new Date(T0 + 16 * 60 * min).toISOString() });
    const live = liveClock(c, false, T0, T0 + 10 * min);
    expect(live).toEqual({ leftSeconds: 90 * 60, state: 'on_time', ticking: false });
  });
  it('shows paused (unless already breached) and stopped clocks as core says', () => {
    expect(liveClock(clock({ running: false, paused: true, due_at: null }), false, T0, T0).state).toBe('paused');
    expect(
      liveClock(clock({ running: false, paused: true, state: 'breached', left_minutes: -3 }), false, T0, T0).state,
    ).toBe('breached');
    expect(liveClock(clock({ running: false, state: 'met', stopped_at: 'x' }), false, T0, T0).state).toBe('met');
  });
});

describe('usedPercent', () => {
  it('is clamped to 0–100', () => {
    expect(usedPercent(clock(), 90 * 60)).toBe(25);
    expect(usedPercent(clock(), -600)).toBe(100);
    expect(usedPercent(clock(), 200 * 60)).toBe(0);
  });
});
