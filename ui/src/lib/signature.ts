// Signature capture, as plain data: pointer samples in the pad's own CSS pixels (y down), grouped
// in strokes, with the pressure the device reports. Validation (empty, too large, outside the box)
// is the core's; this only records what the hand did.

import type { Signature } from '../bindings/Signature';
import type { Stroke } from '../bindings/Stroke';

/** A pointer sample as the pad sees it. */
export type Sample = { x: number; y: number; pressure: number; pointerType: string; time: number };

/**
 * The pressure to record: what a pen or touch screen reports; a mouse (or a device that reports
 * nothing, 0 while pressed) counts as 0.5, the value browsers give a pressed mouse button.
 */
export function pressureOf(s: Pick<Sample, 'pressure' | 'pointerType'>): number {
  if (s.pointerType === 'mouse' || !(s.pressure > 0)) return 0.5;
  return Math.min(1, Math.max(0, s.pressure));
}

/** Records strokes: `begin` on pointerdown, `add` on each move, `end` on pointerup. */
export class StrokeRecorder {
  strokes: Stroke[] = [];
  #current: Stroke | null = null;
  #t0 = 0;

  begin(s: Sample): void {
    this.#t0 = s.time;
    this.#current = { points: [] };
    this.strokes.push(this.#current);
    this.add(s);
  }

  add(s: Sample): void {
    if (!this.#current) return;
    const last = this.#current.points.at(-1);
    const x = round2(s.x);
    const y = round2(s.y);
    if (last && last.x === x && last.y === y) return;
    this.#current.points.push({ x, y, pressure: round2(pressureOf(s)), t: Math.max(0, Math.round(s.time - this.#t0)) });
  }

  end(): void {
    this.#current = null;
  }

  clear(): void {
    this.strokes = [];
    this.#current = null;
  }

  get drawing(): boolean {
    return this.#current !== null;
  }

  /** Whether any stroke has at least two points (a tap alone is not a signature). */
  get hasInk(): boolean {
    return this.strokes.some((s) => s.points.length > 1);
  }

  signature(signerName: string, width: number, height: number): Signature {
    return { signer_name: signerName, width: round2(width), height: round2(height), strokes: this.strokes };
  }
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

/** `a1b2c3d4…` → `a1b2 c3d4 e5f6 a7b8` (the form printed on every page). */
export function shortHash(sha256: string): string {
  return (sha256.slice(0, 16).match(/.{1,4}/g) ?? []).join(' ');
}
