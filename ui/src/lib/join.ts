// Joining a shop from its hub at first start, as the onboarding screen words it: which step to
// show, whom to offer, what to say above the list. Pure (tested by vitest); the rules (device
// codes, who may be picked) are core's.

import type { AppError } from './errors';
import type { SetupStatus } from '../bindings/SetupStatus';
import type { Technician } from '../bindings/Technician';
import type { Text } from './sync';

/** `form`: hub address, code, certificate, technician code. `pick`: the device joined a hub (it
 * has the device code the hub accepted) but nobody uses it yet: pick a technician. */
export type JoinStep = 'form' | 'pick';

export function joinStep(status: SetupStatus | null): JoinStep {
  return status && !status.onboarded && status.device_code && !status.technician ? 'pick' : 'form';
}

/** The technicians one may pick: the active ones, by name. */
export function pickable(list: readonly Technician[]): Technician[] {
  return list.filter((t) => t.active).sort((a, b) => a.name.localeCompare(b.name, 'it'));
}

/** The sentence above the list: why the user picks (the code typed is not in the shop), or — back
 * at first start after the app was closed — simply that they pick. */
export function pickIntro(status: SetupStatus | null, typedCode: string | null): Text {
  const shop = status?.shop?.name?.trim() || { key: 'join.aShop' as const };
  const device = status?.device_code ?? '';
  const code = typedCode?.trim().toUpperCase();
  return code
    ? { key: 'join.pickIntro', params: { shop, device, code } }
    : { key: 'join.pickResume', params: { shop, device } };
}

/** Whether a restore was refused because the file is another device's backup (then the Backup
 * tab offers to restore it as a new device). */
export function isForeignBackup(error: AppError | null): boolean {
  return error?.code === 'FOREIGN_BACKUP';
}
