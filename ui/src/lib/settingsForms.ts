// Settings forms: text fields ↔ core's types, with the checks worth doing before a round trip
// (required fields). Every other rule (P.IVA check digit, e-mail shape, codes) is core's, and its
// errors come back on their field.

import type { SeverityLabels } from '../bindings/SeverityLabels';
import type { ShopProfile } from '../bindings/ShopProfile';
import type { Technician } from '../bindings/Technician';
import type { TechnicianInput } from '../bindings/TechnicianInput';
import type { AppError } from './errors';

export const SHOP_FIELDS = ['name', 'vat_number', 'fiscal_code', 'street', 'postcode', 'city', 'province', 'phone',
  'email', 'pec'] as const;
export type ShopForm = Record<(typeof SHOP_FIELDS)[number], string>;

const required = (field: string): AppError => ({ code: 'REQUIRED', message: `${field} is required`, field });

export function shopForm(p: ShopProfile | null | undefined): ShopForm {
  const f = Object.fromEntries(SHOP_FIELDS.map((k) => [k, ''])) as ShopForm;
  if (p) for (const k of SHOP_FIELDS) f[k] = p[k] ?? '';
  return f;
}

/** Empty optional fields are sent as null (core clears them). */
export function shopProfile(f: ShopForm): { profile: ShopProfile } | { error: AppError } {
  if (!f.name.trim()) return { error: required('name') };
  const opt = (v: string) => v.trim() || null;
  return {
    profile: {
      name: f.name.trim(),
      street: opt(f.street),
      postcode: opt(f.postcode),
      city: opt(f.city),
      province: opt(f.province),
      vat_number: opt(f.vat_number),
      fiscal_code: opt(f.fiscal_code),
      email: opt(f.email),
      pec: opt(f.pec),
      phone: opt(f.phone),
    },
  };
}

export function severityInput(l: SeverityLabels): { labels: SeverityLabels } | { error: AppError } {
  for (const k of ['blocking', 'degraded', 'request'] as const) if (!l[k].trim()) return { error: required(k) };
  return { labels: { blocking: l.blocking.trim(), degraded: l.degraded.trim(), request: l.request.trim() } };
}

export type TechForm = { code: string; name: string; email: string; phone: string };

export function techForm(t: Technician | null): TechForm {
  return { code: t?.code ?? '', name: t?.name ?? '', email: t?.email ?? '', phone: t?.phone ?? '' };
}

export function technicianInput(f: TechForm): { input: TechnicianInput } | { error: AppError } {
  if (!f.code.trim()) return { error: required('code') };
  if (!f.name.trim()) return { error: required('name') };
  return {
    input: {
      code: f.code.trim().toUpperCase(),
      name: f.name.trim(),
      email: f.email.trim() || undefined,
      phone: f.phone.trim() || undefined,
    },
  };
}

/** Active technicians first, by name (as core lists them); the device's own marked. */
export function isThisDevice(t: Technician, deviceTechnicianId: string | null | undefined): boolean {
  return deviceTechnicianId != null && t.id === deviceTechnicianId;
}
