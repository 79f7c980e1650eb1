import { describe, expect, it } from 'vitest';

import { pressureOf, shortHash, StrokeRecorder, type Sample } from './signature';

const at = (x: number, y: number, time: number, pressure = 0.5, pointerType = 'pen'): Sample => ({
  x,
  y,
  time,
  pressure,
  pointerType,
});

describe('signature capture', () => {
  it('a mouse, or a device reporting no pressure, counts as 0.5; pens keep theirs', () => {
    expect(pressureOf({ pressure: 0, pointerType: 'touch' })).toBe(0.5);
    expect(pressureOf({ pressure: 0.9, pointerType: 'mouse' })).toBe(0.5);
    expect(pressureOf({ pressure: 0.83, pointerType: 'pen' })).toBe(0.83);
    expect(pressureOf({ pressure: 1.7, pointerType: 'pen' })).toBe(1);
  });

  it('records strokes with times relative to their start, rounded, without repeats', () => {
    const r = new StrokeRecorder();
    r.begin(at(10.123, 20, 1000, 0.2));
    r.add(at(10.123, 20, 1004));
    r.add(at(30, 40.456, 1016, 0.7));
    r.end();
    r.begin(at(50, 50, 2000));
    r.end();
    expect(r.strokes).toEqual([
      { points: [{ x: 10.12, y: 20, pressure: 0.2, t: 0 }, { x: 30, y: 40.46, pressure: 0.7, t: 16 }] },
      { points: [{ x: 50, y: 50, pressure: 0.5, t: 0 }] },
    ]);
    expect(r.hasInk).toBe(true);
    const s = r.signature('Anna Bellè', 480.4, 180);
    expect(s).toMatchObject({ signer_name: 'Anna Bellè', width: 480.4, height: 180 });
  });

  it('a tap is no ink; clear empties; moves without a press are ignored', () => {
    const r = new StrokeRecorder();
    r.add(at(1, 1, 0));
    expect(r.strokes).toEqual([]);
    r.begin(at(5, 5, 0));
    r.end();
    expect(r.hasInk).toBe(false);
    r.clear();
    expect(r.strokes).toEqual([]);
    expect(r.drawing).toBe(false);
  });

  it('short hash in groups of four', () => {
    expect(shortHash('3f9a1c0b7e2d4f6a8b0c1d2e3f4a5b6c')).toBe('3f9a 1c0b 7e2d 4f6a');
  });
});
