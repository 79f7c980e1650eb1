// Editing a coverage calendar's weekly windows as seven days of intervals, and its exception dates
// in Italian order. Pure helpers: the calendar's rules (overlaps, empty week) are checked by core.

import type { CalendarException } from '../bindings/CalendarException';
import type { TimeWindow } from '../bindings/TimeWindow';

export type Interval = { start: string; end: string };
/** Index 0 = Monday … 6 = Sunday (core's weekday − 1). */
export type Week = Interval[][];

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

export function toWeek(windows: readonly TimeWindow[]): Week {
  const week: Week = [[], [], [], [], [], [], []];
  for (const w of windows) week[w.weekday - 1]?.push({ start: w.start, end: w.end });
  for (const day of week) day.sort((a, b) => a.start.localeCompare(b.start));
  return week;
}

export function fromWeek(week: Week): TimeWindow[] {
  return week.flatMap((day, i) =>
    day.map((iv) => ({ weekday: i + 1, start: normalizeTime(iv.start), end: normalizeTime(iv.end) })),
  );
}

/** `8` → `08:00`, `830` → `08:30`, `8.30` / `8,30` → `08:30`, `24` → `24:00`; else unchanged. */
export function normalizeTime(text: string): string {
  const s = text.trim();
  let m = /^(\d{1,2})(?:[:.,](\d{2}))?$/.exec(s);
  if (!m) {
    const compact = /^(\d{1,2})(\d{2})$/.exec(s);
    if (!compact) return s;
    m = compact;
  }
  const h = Number(m[1]);
  const min = m[2] ?? '00';
  if (h > 24) return s;
  return `${String(h).padStart(2, '0')}:${min}`;
}

function toMinutes(time: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(normalizeTime(time));
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

function fromMinutes(total: number): string {
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

/**
 * A day with one more interval: 08:30–12:30 on an empty day, else the afternoon after the last
 * interval (an hour and a half after it ends, four hours long, never past 24:00).
 */
export function addInterval(week: Week, dayIndex: number): Week {
  const day = week[dayIndex] ?? [];
  const lastEnd = day.length ? toMinutes(day[day.length - 1]?.end ?? '') : null;
  let next: Interval = { start: '08:30', end: '12:30' };
  if (lastEnd !== null) {
    const start = Math.min(lastEnd + 90, 23 * 60);
    next = { start: fromMinutes(start), end: fromMinutes(Math.min(start + 240, 24 * 60)) };
  }
  return week.map((d, i) => (i === dayIndex ? [...d, next] : d));
}

export function removeInterval(week: Week, dayIndex: number, index: number): Week {
  return week.map((d, i) => (i === dayIndex ? d.filter((_, j) => j !== index) : d));
}

/** Copies one day's intervals onto other days (Monday onto Tuesday–Friday, say). */
export function copyDay(week: Week, fromIndex: number, toIndexes: readonly number[]): Week {
  const source = week[fromIndex] ?? [];
  return week.map((d, i) => (toIndexes.includes(i) && i !== fromIndex ? source.map((iv) => ({ ...iv })) : d));
}

/** Open minutes of a day (ignoring malformed intervals), for the "8 h" beside each day. */
export function dayMinutes(day: readonly Interval[]): number {
  let total = 0;
  for (const iv of day) {
    const s = toMinutes(iv.start);
    const e = toMinutes(iv.end);
    if (s !== null && e !== null && e > s) total += e - s;
  }
  return total;
}

const ENGLISH_DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** The day a core calendar error names ("Monday: 08:00–12:00 overlaps …"), as a week index. */
export function dayOfMessage(message: string): number | null {
  let best: { at: number; day: number } | null = null;
  ENGLISH_DAYS.forEach((name, day) => {
    const at = message.indexOf(name);
    if (at >= 0 && (best === null || at < best.at)) best = { at, day };
  });
  return (best as { at: number; day: number } | null)?.day ?? null;
}

/** Core's exception date → what the form shows: `2026-12-07` → `07/12/2026`, `12-07` → `07/12`. */
export function exceptionDateToInput(date: string): string {
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (m) return `${m[3]}/${m[2]}/${m[1]}`;
  m = /^(\d{2})-(\d{2})$/.exec(date);
  if (m) return `${m[2]}/${m[1]}`;
  return date;
}

/**
 * What the user typed → core's exception date: `7/12/2026` → `2026-12-07`, `7/12` → `12-07` (every
 * year). Anything else is passed on unchanged, for core to refuse with its message.
 */
export function inputToExceptionDate(text: string): string {
  const s = text.trim();
  const p = (n: string) => n.padStart(2, '0');
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (m) return `${m[3]}-${p(m[2] ?? '')}-${p(m[1] ?? '')}`;
  m = /^(\d{1,2})[/.](\d{1,2})$/.exec(s);
  if (m) return `${p(m[2] ?? '')}-${p(m[1] ?? '')}`;
  return s;
}

/** One special date as the form holds it (`date` as typed: dd/mm/yyyy or dd/mm). */
export type ExceptionRow = { date: string; open: boolean; start: string; end: string; note: string };

export function exceptionsToRows(list: readonly CalendarException[]): ExceptionRow[] {
  return list.map((x) => ({
    date: exceptionDateToInput(x.date),
    open: x.open,
    start: x.start ?? '',
    end: x.end ?? '',
    note: x.note ?? '',
  }));
}

/** Rows → core's exceptions; rows with no date at all are dropped (an empty line left behind). */
export function rowsToExceptions(rows: readonly ExceptionRow[]): CalendarException[] {
  return rows
    .filter((r) => r.date.trim() !== '')
    .map((r) => ({
      date: inputToExceptionDate(r.date),
      open: r.open,
      start: r.open ? normalizeTime(r.start) || undefined : undefined,
      end: r.open ? normalizeTime(r.end) || undefined : undefined,
      note: r.note.trim() || undefined,
    }));
}
