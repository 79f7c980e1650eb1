import { describe, expect, it } from 'vitest';

import type { RunningTimer } from '../bindings/RunningTimer';
import { runningTotal, secondsSince, windowTitle } from './timer';

const timer: RunningTimer = {
  entry_id: 'e',
  intervention_id: 'i',
  ticket_id: 't',
  ticket_number: 'T-2026-MR-0003',
  client_name: 'Rossi Srl',
  segment_started_at: '2026-03-02T09:00:00Z',
  segment_seconds: 60,
  total_seconds: 660, // 10 minutes already closed + 1 running
  over_limit: false,
};

describe('live timer', () => {
  const at = (iso: string) => Date.parse(iso);
  it('adds the running segment to the closed time', () => {
    expect(runningTotal(timer, at('2026-03-02T09:02:31Z'))).toBe(600 + 151);
  });
  it('never goes negative when the clock is behind the segment start', () => {
    expect(secondsSince('2026-03-02T09:00:00Z', at('2026-03-02T08:00:00Z'))).toBe(0);
    expect(secondsSince('garbage', at('2026-03-02T08:00:00Z'))).toBe(0);
  });
  it('formats the window title', () => {
    expect(windowTitle(timer, at('2026-03-02T09:02:31Z'))).toBe('⏱ 00:12:31 · T-2026-MR-0003 — Rapportino');
    expect(windowTitle(null, 0)).toBe('Rapportino');
  });
});
