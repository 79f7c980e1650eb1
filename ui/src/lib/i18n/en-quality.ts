// English: copying an error's details for support, and other cross-screen quality texts.
// Same keys as ./it-quality.ts.

import type { itQuality } from './it-quality';

export const enQuality: Record<keyof typeof itQuality, string> = {
  'error.copyDetails': 'Copy details',
  'error.copied': 'Copied',
  'error.detailsCode': 'Code',
  'error.detailsMessage': 'Message',
  'error.detailsField': 'Field',
};
