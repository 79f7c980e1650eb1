// Italian formats, whatever the UI language: dates dd/mm/yyyy HH:MM in Europe/Rome, money 1.234,50 €.

export const TIME_ZONE = 'Europe/Rome';

const dateTimeFormat = new Intl.DateTimeFormat('it-IT', {
  timeZone: TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function parts(date: Date): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of dateTimeFormat.formatToParts(date)) out[p.type] = p.value;
  return out;
}

function toDate(value: string | Date): Date | null {
  const d = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(d.getTime()) ? null : d;
}

/** `2026-01-15T09:00:00Z` → `15/01/2026 10:00` (Rome time). Empty for missing or invalid input. */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (value == null) return '';
  const d = toDate(value);
  if (!d) return '';
  const p = parts(d);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** `2026-01-15T09:00:00Z` → `15/01/2026` (Rome date). */
export function formatDate(value: string | Date | null | undefined): string {
  if (value == null) return '';
  const d = toDate(value);
  if (!d) return '';
  const p = parts(d);
  return `${p.day}/${p.month}/${p.year}`;
}

/** Cents → `1.234,50 €` (thousands with dots, always two decimals, a no-break space before €). */
export function formatMoney(cents: number): string {
  const negative = cents < 0;
  const abs = Math.round(Math.abs(cents));
  const euros = Math.floor(abs / 100).toString();
  const rest = (abs % 100).toString().padStart(2, '0');
  const grouped = euros.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${negative ? '-' : ''}${grouped},${rest}\u00a0€`;
}

/** A number in Italian: `1.234,5` (dots for thousands, a comma, at most `maxDecimals`, no trailing zeros). */
export function formatNumber(value: number, maxDecimals = 2): string {
  const negative = value < 0;
  const [int = '0', frac = ''] = Math.abs(value).toFixed(maxDecimals).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  const decimals = frac.replace(/0+$/, '');
  const text = decimals ? `${grouped},${decimals}` : grouped;
  return negative && text !== '0' ? `-${text}` : text;
}

/** Seconds → `HH:MM:SS` (hours grow past 24: a timer is not a clock). */
export function formatClock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${pad(h)}:${pad(m)}:${pad(sec)}`;
}

/** Seconds → `2 h 05 min` / `45 min` / `0 min`, for totals. */
export function formatHours(totalSeconds: number): string {
  // A started minute counts, as in core (time::worked_minutes): the charges never show more.
  const minutes = Math.ceil(Math.max(0, totalSeconds) / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h} h ${pad(m)} min` : `${m} min`;
}

function pad(n: number): string {
  return n.toString().padStart(2, '0');
}

/** A plain date `2026-03-15` → `15/03/2026` (no time zone involved). Other text is returned as is. */
export function formatDay(isoDate: string | null | undefined): string {
  if (!isoDate) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : isoDate;
}

/** Today in Rome as `dd/mm/yyyy` (what date fields start from). */
export function todayInput(now: Date = new Date()): string {
  return formatDate(now);
}

/** `MM-DD` → `DD/MM` (a patron saint's day as the user reads it). */
export function formatMonthDay(monthDay: string | null | undefined): string {
  const m = /^(\d{2})-(\d{2})$/.exec(monthDay ?? '');
  return m ? `${m[2]}/${m[1]}` : (monthDay ?? '');
}
