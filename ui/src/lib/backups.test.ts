import { describe, expect, it } from 'vitest';

import type { BackupFile } from '../bindings/BackupFile';
import { backupWhen, formatSize, lastAutomatic } from './backups';

const file = (name: string, day: string | null): BackupFile => ({ name, path: `/b/${name}`, bytes: 1, day, automatic: day !== null });

describe('backups', () => {
  it('formats sizes the Italian way', () => {
    expect(formatSize(12_345_678)).toBe('12,3 MB');
    expect(formatSize(8_539_586_560)).toBe('8,5 GB');
    expect(formatSize(850_400)).toBe('850 kB');
    expect(formatSize(10)).toBe('1 kB');
  });

  it('says when a backup was made', () => {
    expect(backupWhen(file('rapportino-2026-11-22.db', '2026-11-22'))).toBe('22/11/2026');
    expect(backupWhen(file('prima-del-ripristino-2026-11-22-143005.db', null))).toBe('22/11/2026 14:30');
  });

  it('finds the newest automatic backup', () => {
    const files = [
      file('prima-del-ripristino-2026-11-23-100000.db', null),
      file('rapportino-2026-11-20.db', '2026-11-20'),
      file('rapportino-2026-11-22.db', '2026-11-22'),
    ];
    expect(lastAutomatic(files)?.day).toBe('2026-11-22');
    expect(lastAutomatic([])).toBeNull();
  });
});
