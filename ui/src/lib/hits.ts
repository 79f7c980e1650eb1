// Search hits carry a display subtitle built by core from raw values (`Rossi Srl · in_progress`,
// `2026-03-02 · remote`): show those values in the UI language and Italian date format.

import type { SearchHit } from '../bindings/SearchHit';
import type { MessageKey } from './i18n/it';

const STATUSES = new Set(['new', 'taken', 'in_progress', 'waiting_client', 'waiting_third_party', 'resolved', 'closed', 'cancelled']);
const MODES = new Set(['on_site', 'remote']);

export function hitSubtitle(hit: SearchHit, tr: (key: MessageKey) => string): string {
  const parts = hit.subtitle.split(' · ');
  return parts
    .map((part) => {
      if (hit.kind === 'ticket' && STATUSES.has(part)) return tr(`status.${part}` as MessageKey);
      if (hit.kind === 'intervention' && MODES.has(part)) return tr(`mode.${part}` as MessageKey);
      const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(part);
      if (hit.kind === 'intervention' && date) return `${date[3]}/${date[2]}/${date[1]}`;
      return part;
    })
    .join(' · ');
}
