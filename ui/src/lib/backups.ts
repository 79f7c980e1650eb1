// How the backups tab words its files: sizes in Italian style, the day of an automatic backup.

import type { BackupFile } from '../bindings/BackupFile';
import { formatDay } from './format';

/** `12,3 MB`, `850 kB`. */
export function formatSize(bytes: number): string {
  const nf = (n: number, digits: number) =>
    n.toLocaleString('it-IT', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  if (bytes >= 1_000_000_000) return `${nf(bytes / 1_000_000_000, 1)} GB`;
  if (bytes >= 1_000_000) return `${nf(bytes / 1_000_000, 1)} MB`;
  return `${nf(Math.max(1, Math.round(bytes / 1000)), 0)} kB`;
}

/** The day an automatic backup was made, or when a safety copy was (from its name). */
export function backupWhen(file: BackupFile): string {
  if (file.day) return formatDay(file.day);
  const m = /(\d{4}-\d{2}-\d{2})-(\d{2})(\d{2})\d{2}\.db$/.exec(file.name);
  return m ? `${formatDay(m[1])} ${m[2]}:${m[3]}` : file.name;
}

/** The newest automatic backup, if any. */
export function lastAutomatic(files: readonly BackupFile[]): BackupFile | null {
  return files.filter((f) => f.automatic).sort((a, b) => (b.day ?? '').localeCompare(a.day ?? ''))[0] ?? null;
}
