import { describe, expect, it } from 'vitest';

import { snippetParts } from './highlight';

describe('snippetParts', () => {
  it('splits hits marked with brackets', () => {
    expect(snippetParts('…il [server] non [parte]')).toEqual([
      { text: '…il ', hit: false },
      { text: 'server', hit: true },
      { text: ' non ', hit: false },
      { text: 'parte', hit: true },
    ]);
  });
  it('plain text and markup-looking text stay text', () => {
    expect(snippetParts('<b>x</b>')).toEqual([{ text: '<b>x</b>', hit: false }]);
    expect(snippetParts('')).toEqual([]);
  });
});
