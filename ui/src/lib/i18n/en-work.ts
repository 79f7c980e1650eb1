// English: the ticket form from the keyboard, status moves, time entries (keys as in ./it-work.ts).

import type { itWork } from './it-work';

export const enWork: Record<keyof typeof itWork, string> = {
  'work.form.keys': 'Tab moves to the next field, Ctrl+Enter opens the ticket from any field.',

  'work.move.estimate': 'Estimated resolution (optional)',
  'work.move.estimateDate': 'Date (dd/mm/yyyy)',
  'work.move.estimateTime': 'Time (hh:mm)',
  'work.move.note': 'Note',
  'work.move.reason': 'Reason',
  'work.move.party': 'Waiting for',
  'work.move.partyKind': 'Kind',
  'work.move.partyName': 'Name (e.g. Fastweb, BRT)',
  'work.waitingFor': 'Waiting for',
  'work.move.confirm': 'Confirm',
  'work.move.cancel': 'Back',
  'work.estimate': 'Estimated resolution',

  'work.time.manual': 'Add time by hand',
  'work.time.minutes': 'Minutes',
  'work.time.startedAt': 'Start (dd/mm/yyyy hh:mm, optional)',
  'work.time.note': 'Note',
  'work.time.add': 'Add',
  'work.time.adjust': 'Adjust',
  'work.time.adjustMinutes': 'Minutes (+ or −)',
  'work.time.adjustReason': 'Reason for the adjustment',
  'work.time.void': 'Void',
  'work.time.voidReason': 'Reason for voiding',
  'work.time.voided': 'Voided',
  'work.time.approve': 'Approve',
  'work.time.approved': 'Approved',
  'work.time.start': 'Start',
  'work.time.end': 'End',
  'work.time.duration': 'Duration',
  'work.time.kind': 'Kind',
};
