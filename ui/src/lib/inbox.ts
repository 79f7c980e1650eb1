// Settings › Posta in arrivo: a mailbox's settings as form values and back (pure, unit-tested).
// Empty optional fields are left out; the port is a number or absent. Core checks everything.

import type { InboxSecurity } from '../bindings/InboxSecurity';
import type { MailboxSettings } from '../bindings/MailboxSettings';

export type MailboxForm = {
  name: string;
  host: string;
  port: string;
  security: InboxSecurity;
  user: string;
  folder: string;
  processedFolder: string;
  category: string;
  service: string;
  caPem: string;
};

export function mailboxForm(m: MailboxSettings | null): MailboxForm {
  return {
    name: m?.name ?? 'assistenza',
    host: m?.host ?? '',
    port: m?.port ? String(m.port) : '',
    security: m?.security ?? 'implicit',
    user: m?.user ?? '',
    folder: m?.folder ?? '',
    processedFolder: m?.processed_folder ?? '',
    category: m?.category ?? '',
    service: m?.service ?? '',
    caPem: m?.extra_ca_pem ?? '',
  };
}

/** The settings to send; a port that is not a whole number is sent as 0, which core refuses on `port`. */
export function mailboxInput(f: MailboxForm): MailboxSettings {
  const out: MailboxSettings = { name: f.name.trim(), host: f.host.trim(), security: f.security, user: f.user.trim() };
  const port = f.port.trim();
  if (port) {
    const n = Number(port);
    out.port = Number.isInteger(n) && n > 0 && n < 65536 ? n : 0;
  }
  const opt = (v: string) => (v.trim() ? v.trim() : undefined);
  const folder = opt(f.folder);
  if (folder) out.folder = folder;
  const processed = opt(f.processedFolder);
  if (processed) out.processed_folder = processed;
  const category = opt(f.category);
  if (category) out.category = category;
  const service = opt(f.service);
  if (service) out.service = service;
  const ca = opt(f.caPem);
  if (ca) out.extra_ca_pem = ca;
  return out;
}
