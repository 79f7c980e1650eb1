import { describe, expect, it } from 'vitest';

import type { SyncStatus } from '../bindings/SyncStatus';
import { translate } from './i18n/translate';
import type { MessageKey } from './i18n/it';
import {
  ago,
  conflictRoute,
  defaultDeviceName,
  doneText,
  changedData,
  entityLabel,
  extraError,
  fieldLabel,
  indicator,
  lastAttemptFailed,
  quarantineReason,
  quarantineRecord,
  reasonLabel,
  resolvedText,
  skewSeconds,
  textOf,
  valueText,
  type Text,
} from './sync';

const NOW = Date.parse('2026-11-22T14:30:00Z');
const it_ = (x: Text | string) => textOf(x, (key: MessageKey, params) => translate('it', key, params));
const en_ = (x: Text | string) => textOf(x, (key: MessageKey, params) => translate('en', key, params));

function status(over: Partial<SyncStatus> = {}): SyncStatus {
  return {
    configured: true,
    hub_url: 'https://192.168.1.10:8443',
    role: 'technician',
    device_code: 'MR',
    last_sync_at: '2026-11-22T14:27:00Z',
    last_attempt_at: '2026-11-22T14:27:00Z',
    last_error: null,
    pending_changes: 0,
    open_conflicts: 0,
    quarantined: 0,
    clock_skew_ms: null,
    numbering_hold: false,
    ...over,
  };
}

describe('sync indicator', () => {
  it('says loading, then not configured', () => {
    expect(it_(indicator(null, false, NOW).main)).toBe('Sincronizzazione…');
    const off = indicator(status({ configured: false }), false, NOW);
    expect(off.tone).toBe('off');
    expect(it_(off.main)).toBe('Non sincronizzato');
    expect(off.pending).toBeNull();
  });

  it('says how long ago, with Italian plurals', () => {
    const ok = indicator(status(), false, NOW);
    expect(ok.tone).toBe('ok');
    expect(it_(ok.main)).toBe('Sincronizzato 3 minuti fa');
    expect(en_(ok.main)).toBe('Synced 3 minutes ago');
    const one = indicator(status({ last_sync_at: '2026-11-22T14:29:00Z' }), false, NOW);
    expect(it_(one.main)).toBe('Sincronizzato 1 minuto fa');
    const now = indicator(status({ last_sync_at: '2026-11-22T14:29:40Z' }), false, NOW);
    expect(it_(now.main)).toBe('Sincronizzato adesso');
    const hours = indicator(status({ last_sync_at: '2026-11-22T11:00:00Z' }), false, NOW);
    expect(it_(hours.main)).toBe('Sincronizzato 3 ore fa');
    const days = indicator(status({ last_sync_at: '2026-11-20T09:05:00Z' }), false, NOW);
    expect(it_(days.main)).toBe('Sincronizzato il 20/11/2026 10:05');
    expect(it_(indicator(status({ last_sync_at: null }), false, NOW).main)).toBe('Mai sincronizzato');
  });

  it('counts changes waiting and conflicts', () => {
    const ind = indicator(status({ pending_changes: 1, open_conflicts: 4 }), false, NOW);
    expect(ind.tone).toBe('warn');
    expect(it_(ind.pending!)).toBe('1 modifica in attesa');
    expect(it_(ind.conflicts!)).toBe('4 conflitti');
    const many = indicator(status({ pending_changes: 12, open_conflicts: 1 }), false, NOW);
    expect(it_(many.pending!)).toBe('12 modifiche in attesa');
    expect(it_(many.conflicts!)).toBe('1 conflitto');
    expect(en_(many.pending!)).toBe('12 changes waiting');
  });

  it('shows a sync under way over everything but the counts', () => {
    const ind = indicator(status({ pending_changes: 2 }), true, NOW);
    expect(ind.tone).toBe('busy');
    expect(it_(ind.main)).toBe('Sincronizzazione in corso…');
    expect(ind.pending).not.toBeNull();
  });

  it('shows the last error when it came after the last good sync', () => {
    const failed = status({
      last_attempt_at: '2026-11-22T14:29:00Z',
      last_error: { code: 'HUB_UNREACHABLE', message: 'connection refused', field: null },
    });
    expect(lastAttemptFailed(failed)).toBe(true);
    const ind = indicator(failed, false, NOW);
    expect(ind.tone).toBe('error');
    expect(ind.errorCode).toBe('HUB_UNREACHABLE');
    expect(it_(ind.main)).toBe('Hub non raggiungibile');
    const other = indicator({ ...failed, last_error: { code: 'DATABASE', message: '', field: null } }, false, NOW);
    expect(it_(other.main)).toBe('Sincronizzazione non riuscita');
    // An old error followed by a good sync is history.
    const recovered = status({
      last_attempt_at: '2026-11-22T14:27:00Z',
      last_error: { code: 'HUB_UNREACHABLE', message: '', field: null },
    });
    expect(lastAttemptFailed(recovered)).toBe(false);
    // Never synced and failing.
    expect(lastAttemptFailed(status({ last_sync_at: null, last_error: failed.last_error }))).toBe(true);
  });

  it('words what a sync did', () => {
    expect(it_(doneText({ pushed: 3, pulled: 5, new_conflicts: 0, snapshot_rows: 0 }))).toBe(
      'Sincronizzato: 3 inviate, 5 ricevute.',
    );
    expect(it_(doneText({ pushed: 0, pulled: 1, new_conflicts: 2, snapshot_rows: 10 }))).toContain('2 nuovi conflitti');
    expect(changedData(null)).toBe(false);
    expect(changedData({ pulled: 0, snapshot_rows: 0, new_conflicts: 0 })).toBe(false);
    expect(changedData({ pulled: 1, snapshot_rows: 0, new_conflicts: 0 })).toBe(true);
  });

  it('boxes a sync error only when the status does not show it already', () => {
    const err = { code: 'HUB_UNREACHABLE' as const, message: '', field: null };
    const failed = status({ last_attempt_at: '2026-11-22T14:29:00Z', last_error: err });
    expect(extraError(err, failed)).toBeNull();
    expect(extraError(err, status())).toBe(err);
    expect(extraError({ ...err, code: 'SYNC_NOT_CONFIGURED' }, failed)?.code).toBe('SYNC_NOT_CONFIGURED');
    expect(extraError(null, failed)).toBeNull();
  });

  it('ago is null without a date', () => {
    expect(ago(null, NOW)).toBeNull();
    expect(ago('not a date', NOW)).toBeNull();
  });

  it('warns of a clock skew over a minute only', () => {
    expect(skewSeconds(status({ clock_skew_ms: 30_000 }))).toBeNull();
    expect(skewSeconds(status({ clock_skew_ms: -95_400 }))).toBe(95);
  });
});

describe('conflict wording', () => {
  it('names kinds, fields and reasons, or shows the raw name', () => {
    expect(it_(entityLabel('client'))).toBe('Cliente');
    expect(it_(entityLabel('gizmo'))).toBe('gizmo');
    expect(it_(fieldLabel('vat_number'))).toBe('Partita IVA');
    expect(en_(fieldLabel('vat_number'))).toBe('VAT number');
    expect(it_(fieldLabel('severity'))).toBe('Gravità');
    expect(en_(fieldLabel('status'))).toBe('Status');
    expect(it_(fieldLabel('mode'))).toBe('Modalità');
    expect(it_(fieldLabel('colour'))).toBe('colour');
    expect(it_(fieldLabel('*'))).toBe('Intero dato');
    expect(it_(reasonLabel('report_signed'))).toBe('Il rapporto era già firmato');
    for (const r of ['concurrent_edit', 'illegal_transition', 'report_signed', 'not_owner', 'append_only', 'row_deleted', 'timer_overlap'] as const) {
      expect(it_(reasonLabel(r))).not.toContain('conflicts.');
      expect(en_(reasonLabel(r))).not.toContain('conflicts.');
    }
  });

  it('words values', () => {
    expect(it_(valueText(null, 'notes'))).toBe('(vuoto)');
    expect(it_(valueText('', 'notes'))).toBe('(vuoto)');
    expect(it_(valueText('Via Roma 1', 'street'))).toBe('Via Roma 1');
    expect(it_(valueText(true, 'x'))).toBe('Sì');
    expect(it_(valueText(1, 'urgent'))).toBe('Sì');
    expect(it_(valueText(0, 'archived'))).toBe('No');
    expect(it_(valueText(12.5, 'travel_km'))).toBe('12,5');
    expect(it_(valueText('closed', 'status'))).toBe('Chiuso');
    expect(it_(valueText('phone', 'origin'))).toBe('Telefono');
    expect(it_(valueText('2026-11-22T09:05:00Z', 'estimated_resolution_at'))).toBe('22/11/2026 10:05');
    expect(it_(valueText({ a: 1 }, 'row'))).toBe('{"a":1}');
  });

  it('links the records that have a page', () => {
    expect(conflictRoute({ entity: 'ticket', entity_id: 't1' })).toEqual({ name: 'ticket', id: 't1' });
    expect(conflictRoute({ entity: 'client', entity_id: 'c1' })).toEqual({ name: 'client', id: 'c1' });
    expect(conflictRoute({ entity: 'time_entry', entity_id: 'e1' })).toBeNull();
  });

  it('says how a conflict was settled', () => {
    expect(resolvedText({ resolved_at: null, resolution: null })).toBeNull();
    expect(it_(resolvedText({ resolved_at: '2026-11-22T09:05:00Z', resolution: 'restore_lost' })!)).toBe(
      'Ripristinato il valore perso il 22/11/2026 10:05',
    );
    expect(it_(resolvedText({ resolved_at: '2026-11-22T09:05:00Z', resolution: 'keep_current' })!)).toContain('Mantenuto');
  });

  it('names this computer after its technician and code', () => {
    expect(defaultDeviceName(null)).toBe('');
    const setup = {
      onboarded: true,
      device_id: 'd',
      device_code: 'MR2',
      technician: { id: 't', code: 'MR', name: 'Marco Rinaldi', email: null, phone: null, active: true },
      shop: null,
      severity_labels: { blocking: 'Bloccante', degraded: 'Degradato', request: 'Richiesta' },
    };
    expect(defaultDeviceName(setup)).toBe('Marco Rinaldi (MR2)');
    expect(defaultDeviceName({ ...setup, device_code: null })).toBe('Marco Rinaldi (MR)');
  });
});

describe('quarantine', () => {
  const row = { entity: 'client', entity_id: '0190c0de-aa', label: null, op: 'insert' as const };

  it('names the record by its label, else its id', () => {
    const r = quarantineRecord(row);
    expect(it_(r.kind)).toBe('Cliente');
    expect(r.what).toBe('0190c0de-aa');
    expect(it_(r.op)).toBe('nuovo');
    expect(en_(r.op)).toBe('new');
    expect(quarantineRecord({ ...row, entity: 'technician', label: 'Marco Rinaldi', op: 'update' }).what).toBe(
      'Marco Rinaldi',
    );
    expect(it_(quarantineRecord({ ...row, op: 'delete' }).op)).toBe('eliminazione');
  });

  it('words SQLite reasons', () => {
    expect(it_(quarantineReason('NOT NULL constraint failed: clients.name'))).toBe('Manca un dato obbligatorio');
    expect(en_(quarantineReason('UNIQUE constraint failed: technicians.code'))).toBe(
      'Another record already has the same code or number',
    );
    expect(it_(quarantineReason('cannot store TEXT value in INTEGER column clients.archived'))).toBe(
      'Un valore è del tipo sbagliato',
    );
    expect(it_(quarantineReason('CHECK constraint failed: origin IN (...)'))).toBe('Un valore non è ammesso');
    expect(it_(quarantineReason('string or blob too big'))).toBe('Non memorizzabile su questo computer');
  });
});
