// The client page's hours chart: scale, bars and labels computed here (tested), drawn as SVG by
// components/client/HoursChart.svelte. Figures come from core (client_monthly_hours); nothing is
// allocated here.

import type { ContractHours } from '../bindings/ContractHours';
import { MONTHS_SHORT } from '../bindings/labels';

/** `2026-03` → `mar 26` (Italian) or `Mar 26`; the full year only when `long`. */
export function monthLabel(month: string, lang: 'it' | 'en' = 'it', long = false): string {
  const [y, m] = month.split('-');
  const names: readonly string[] = MONTHS_SHORT[lang];
  const name = names[Number(m) - 1] ?? month;
  return long ? `${name} ${y}` : `${name} ${y?.slice(2) ?? ''}`;
}

/**
 * The top of the hours axis: the smallest "nice" number of hours (1, 2, 5 × 10ⁿ, or a multiple
 * of 5 under 10) covering the largest figure, so ticks fall on round hours. At least 1 hour.
 */
export function niceMaxHours(maxMinutes: number): number {
  const hours = Math.max(1, Math.ceil(maxMinutes / 60));
  const pow = 10 ** Math.floor(Math.log10(hours));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * pow >= hours) return step * pow;
  }
  return 10 * pow;
}

/** Gridline values in hours: four steps from 0 to `max`. */
export function ticks(maxHours: number): number[] {
  return [0, 1, 2, 3, 4].map((i) => Math.round(((maxHours * i) / 4) * 100) / 100);
}

export interface Bar {
  month: string;
  label: string;
  x: number;
  width: number;
  /** Top of the used bar and its height (SVG y grows downwards). */
  y: number;
  height: number;
  usedMinutes: number;
  availableMinutes: number | null;
  /** Where the available line sits, when there is one. */
  availableY: number | null;
}

export interface ChartLayout {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  maxHours: number;
  ticks: { hours: number; y: number }[];
  bars: Bar[];
  hasAvailable: boolean;
}

/** Places the twelve months of one contract in a `width` × `height` SVG. */
export function layout(c: ContractHours, lang: 'it' | 'en' = 'it', width = 560, height = 200): ChartLayout {
  const plot = { left: 40, top: 10, right: width - 8, bottom: height - 24 };
  const maxMinutes = Math.max(0, ...c.months.map((m) => Math.max(m.used_minutes, m.available_minutes ?? 0)));
  const maxHours = niceMaxHours(maxMinutes);
  const span = plot.bottom - plot.top;
  const y = (minutes: number) => plot.bottom - (Math.max(0, minutes) / 60 / maxHours) * span;
  const slot = (plot.right - plot.left) / Math.max(1, c.months.length);
  const barWidth = Math.max(2, slot * 0.6);
  const bars = c.months.map((m, i) => {
    const top = y(m.used_minutes);
    return {
      month: m.month,
      label: monthLabel(m.month, lang),
      x: plot.left + i * slot + (slot - barWidth) / 2,
      width: barWidth,
      y: top,
      height: plot.bottom - top,
      usedMinutes: m.used_minutes,
      availableMinutes: m.available_minutes,
      availableY: m.available_minutes === null ? null : y(m.available_minutes),
    };
  });
  return {
    width,
    height,
    plot,
    maxHours,
    ticks: ticks(maxHours).map((h) => ({ hours: h, y: y(h * 60) })),
    bars,
    hasAvailable: bars.some((b) => b.availableY !== null),
  };
}

/**
 * The available line as SVG path data: one horizontal segment over each month that has a figure,
 * broken where the contract was not valid (no figure).
 */
export function availablePath(l: ChartLayout): string {
  const slot = (l.plot.right - l.plot.left) / Math.max(1, l.bars.length);
  let d = '';
  let open = false;
  l.bars.forEach((b, i) => {
    if (b.availableY === null) {
      open = false;
      return;
    }
    const x0 = l.plot.left + i * slot;
    d += `${open ? 'L' : 'M'}${round(x0)},${round(b.availableY)}H${round(x0 + slot)}`;
    open = true;
  });
  return d;
}

const round = (n: number) => Math.round(n * 10) / 10;
