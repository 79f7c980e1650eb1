// The one door to the Rust side: invoke() with every failure turned into an AppError
// ({code, message, field}); nothing else is ever thrown. The typed function of each command is
// generated (./commands.generated.ts); ./api.ts is what the screens import.

import { invoke } from '@tauri-apps/api/core';

import { toAppError } from './errors';

export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toAppError(e);
  }
}
