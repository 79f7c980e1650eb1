import { describe, expect, it } from 'vitest';

import type { SearchHit } from '../bindings/SearchHit';
import { translate } from './i18n/translate';
import { hitSubtitle } from './hits';

const hit = (kind: SearchHit['kind'], subtitle: string): SearchHit => ({
  kind,
  id: 'x',
  title: 't',
  subtitle,
  snippet: '',
  tier: 0,
});

describe('hitSubtitle', () => {
  const it_ = (k: Parameters<typeof translate>[1]) => translate('it', k);
  it('translates a ticket status', () => {
    expect(hitSubtitle(hit('ticket', 'Rossi Srl · in_progress'), it_)).toBe('Rossi Srl · In lavorazione');
  });
  it('formats an intervention date and mode', () => {
    expect(hitSubtitle(hit('intervention', '2026-03-02 · remote'), it_)).toBe('02/03/2026 · Da remoto');
  });
  it('leaves client subtitles alone, even words that look like codes', () => {
    expect(hitSubtitle(hit('client', 'Milano 00743110157'), it_)).toBe('Milano 00743110157');
    expect(hitSubtitle(hit('client', 'new'), it_)).toBe('new');
  });
});
