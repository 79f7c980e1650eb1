// The signing view's geometry: on a 1280×800 laptop the summary and both pads fit beside each
// other without scrolling; in full screen (touch screens, pens) the pads take the whole window.

export interface SigningLayout {
  /** Summary beside the pads (wide windows) or above them. */
  columns: 1 | 2;
  /** Each pad's height and largest width, in CSS pixels. */
  padHeight: number;
  padMaxWidth: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.floor(v)));

/**
 * `width` × `height` is the window's inner size. What is not a pad is fixed: the app's bars and
 * the view's title (~190 px), the signer's name, the technician's row and the buttons (~270 px);
 * full screen keeps only a title row, the name and the buttons (~220 px).
 */
export function signingLayout(width: number, height: number, fullScreen: boolean): SigningLayout {
  if (fullScreen) {
    return { columns: 1, padHeight: clamp((height - 220) / 2, 150, 420), padMaxWidth: clamp(width - 64, 280, 1400) };
  }
  const columns = width >= 1100 ? 2 : 1;
  // The customer's pad is the big one; the technician's (usually the stored signature) is smaller.
  const padHeight = clamp(height - 190 - 270 - 140, 120, 220);
  const padMaxWidth = columns === 2 ? clamp(width * 0.48 - 48, 280, 680) : clamp(width - 64, 240, 680);
  return { columns, padHeight, padMaxWidth };
}
