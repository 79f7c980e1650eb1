// Euro amounts typed by the user, Italian style: "1.234,50", "45", "0,40 €".

/**
 * Text → cents. Empty → `null`; not an amount → `undefined`. A comma is the decimal separator and
 * dots group thousands; without a comma, a dot followed by one or two digits at the end is taken as
 * a decimal point ("45.5" typed on a numeric keypad).
 */
export function parseEuro(text: string): number | null | undefined {
  let s = text.replace(/€/g, '').replace(/\s/g, '');
  if (!s) return null;
  if (s.includes(',')) {
    if (!/^\d{1,3}(\.\d{3})*(,\d{1,2})?$|^\d+(,\d{1,2})?$/.test(s)) return undefined;
    s = s.replace(/\./g, '').replace(',', '.');
  } else if (/^\d+\.\d{1,2}$/.test(s)) {
    // decimal point
  } else if (/^\d{1,3}(\.\d{3})+$/.test(s)) {
    s = s.replace(/\./g, '');
  } else if (!/^\d+$/.test(s)) {
    return undefined;
  }
  const value = Number(s);
  return Number.isFinite(value) ? Math.round(value * 100) : undefined;
}

/** Cents → the text an input shows: 4500 → `45,00`, 123450 → `1.234,50`, null → ``. */
export function euroInput(cents: number | null | undefined): string {
  if (cents == null) return '';
  const abs = Math.abs(Math.round(cents));
  const euros = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${cents < 0 ? '-' : ''}${euros},${String(abs % 100).padStart(2, '0')}`;
}
