import { describe, expect, it } from 'vitest';

import { signingLayout } from './signingLayout';

describe('the signing view fits the window', () => {
  it('a 1280×800 laptop: summary beside the pads, everything within 800 px', () => {
    const l = signingLayout(1280, 800, false);
    expect(l.columns).toBe(2);
    // Title and bars, two pads (the technician's 140 px at most), name, buttons.
    expect(190 + l.padHeight + 140 + 270).toBeLessThanOrEqual(800);
    expect(l.padHeight).toBeGreaterThanOrEqual(150);
    expect(l.padMaxWidth).toBeLessThanOrEqual(1280 / 2);
  });

  it('a narrow window stacks the summary above the pads', () => {
    const l = signingLayout(900, 700, false);
    expect(l.columns).toBe(1);
    expect(l.padMaxWidth).toBe(680);
    expect(l.padHeight).toBe(120);
  });

  it('full screen gives the pads the window', () => {
    const l = signingLayout(1920, 1080, true);
    expect(l).toEqual({ columns: 1, padHeight: 420, padMaxWidth: 1400 });
    const tablet = signingLayout(1280, 800, true);
    expect(tablet.padHeight).toBe(290);
    expect(2 * tablet.padHeight + 220).toBeLessThanOrEqual(800);
  });
});
