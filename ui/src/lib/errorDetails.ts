// What "Copy details" puts on the clipboard for support: the sentence the user read, the stable
// code, core's own message (English, technical) and the field, one per line.

import type { AppError } from './errors';

export type DetailLabels = { code: string; message: string; field: string };

export function errorDetails(error: AppError, sentence: string, labels: DetailLabels): string {
  const lines = [sentence, `${labels.code}: ${error.code}`];
  if (error.message && error.message !== sentence) lines.push(`${labels.message}: ${error.message}`);
  if (error.field) lines.push(`${labels.field}: ${error.field}`);
  return lines.join('\n');
}

/** Copies `text`; falls back to a hidden textarea where the clipboard API is refused. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}
