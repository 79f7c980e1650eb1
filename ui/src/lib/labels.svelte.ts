// Labels that come from the shop's settings rather than the dictionary.

import type { Severity } from '../bindings/Severity';
import { session } from './session.svelte';

const FALLBACK: Record<Severity, string> = { blocking: 'Bloccante', degraded: 'Disservizio', request: 'Richiesta' };

/** The shop's name for a severity class (configurable; the classes are not). */
export function severityLabel(severity: Severity): string {
  return session.status?.severity_labels[severity] ?? FALLBACK[severity];
}

export const SEVERITIES: readonly Severity[] = ['blocking', 'degraded', 'request'];
