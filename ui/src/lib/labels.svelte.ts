// Labels that come from the shop's settings rather than the dictionary.

import type { Contract } from '../bindings/Contract';
import type { Severity } from '../bindings/Severity';
import { formatDay } from './format';
import { t } from './i18n/index.svelte';
import { session } from './session.svelte';

/** The shop's name for a severity class (configurable; the classes are not), else the model's. */
export function severityLabel(severity: Severity): string {
  return session.status?.severity_labels[severity] ?? t(`severity.${severity}`);
}

export const SEVERITIES: readonly Severity[] = ['blocking', 'degraded', 'request'];

/** The services the preset classes use; shops may add their own codes (shown as typed). */
export const KNOWN_SERVICES = ['remote', 'on_site', 'priority', 'upgrades'] as const;
type KnownService = (typeof KNOWN_SERVICES)[number];

export function serviceLabel(code: string): string {
  return (KNOWN_SERVICES as readonly string[]).includes(code) ? t(`service.${code as KnownService}`) : code;
}

/** `Assistenza SLA 2026 · Contratto SLA · 01/01/2026 – 31/12/2026`, for pickers. */
export function contractLabel(c: Contract): string {
  return `${c.name} · ${t(`kind.${c.kind}`)} · ${formatDay(c.starts_on)} – ${formatDay(c.ends_on)}`;
}
