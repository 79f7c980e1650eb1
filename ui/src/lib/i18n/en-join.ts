// English: joining a shop from its hub at first start, and restoring another device's backup as a
// new device. Same keys as ./it-join.ts.

import type { itJoin } from './it-join';

export const enJoin: Record<keyof typeof itJoin, string> = {
  'confirm.ok': 'OK',
  'join.offer': 'Join an existing hub',
  'join.offerHint': 'The shop is already set up at the office: this computer receives its data and you pick who you are, with nothing to set up.',
  'join.title': 'Join an existing hub',
  'join.intro': 'You need the hub’s address and an enrolment code from the administrator (and the hub’s certificate, if it is self-signed). This computer will receive the shop’s data.',
  'join.backToNew': '← Set up a new shop instead',
  'join.technicianCode': 'Your technician code',
  'join.technicianCodeHint': 'As at the office (e.g. MR). This computer numbers tickets with the same code, or MR2, MR3… when another device already uses it.',
  'join.submit': 'Connect and download the data',
  'join.submitting': 'Connecting and downloading the shop’s data…',
  'join.pickTitle': 'Who uses this computer?',
  'join.pickIntro': 'Connected to the hub of {shop} as device {device}. The shop has no active technician with the code {code}: pick who you are among the shop’s technicians.',
  'join.pickResume': 'Connected to the hub of {shop} as device {device}. Pick who you are among the shop’s technicians.',
  'join.pickEmpty': 'The hub has not sent any active technician yet. Ask the office to add you as a technician, then download the data again.',
  'join.pickLabel': 'The shop’s technicians',
  'join.pickSubmit': 'Use this computer as {name}',
  'join.pickNone': 'Pick a technician',
  'join.reload': 'Download the data again',
  'join.reloading': 'Downloading the data…',
  'join.disconnect': 'Disconnect and start over',
  'join.disconnectConfirm': 'Disconnect this computer from the hub and go back to the first setup? The data received stays, but the computer takes a new identity: connecting it again needs a new enrolment code (the office can revoke the old one).',
  'join.aShop': 'a shop',

  'backups.foreignConfirm': 'This file is another computer’s backup. Restore it here as a new device?\n\nThis computer will take a new identity: the data will be the backup’s, but you will have to set it up again (picking who uses it) and connect it to the hub again with a new enrolment code. A safety copy of the current data is made before the restore.',
  'backups.restoreAsNew': 'Restore as a new device',
  'backups.restoredAsNew': 'Restored as a new device: set this computer up and connect it to the hub again. The copy of the previous data is in {path}.',
};
