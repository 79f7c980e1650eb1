// The print dialog's and the statement actions' logic, as pure functions (unit-tested): which
// printer starts selected, the copies typed, the month of a statement.

import type { PrinterList } from '../bindings/PrinterList';

export const MAX_COPIES = 99;

/** The printer to preselect: this device's last choice, else the system's default, else the
 * system's default by name (the empty value). */
export function initialPrinter(list: PrinterList): string {
  return list.preferences.printer ?? list.default ?? '';
}

/** Copies as typed → a whole number 1–99, or `null` (the field is shown as wrong; core checks too). */
export function parseCopies(text: string): number | null {
  const s = text.trim();
  if (!/^\d{1,2}$/.test(s)) return null;
  const n = Number(s);
  return n >= 1 && n <= MAX_COPIES ? n : null;
}

/** `YYYY-MM` of the month before `now` (statements are made for a closed month). */
export function previousMonth(now: Date = new Date()): string {
  const d = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/** `YYYY-MM` → year and month (1–12), or `null`. */
export function parseMonth(value: string): { year: number; month: number } | null {
  const m = /^(\d{4})-(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const month = Number(m[2]);
  return month >= 1 && month <= 12 ? { year: Number(m[1]), month } : null;
}
