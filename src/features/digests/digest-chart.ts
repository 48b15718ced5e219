import { encodePng } from "../../lib/png.js";

// The digest's picture: the last days' RED / YELLOW / GREEN counts as stacked bars, oldest on
// the left, one bar a day, with a legend strip of the three colours along the top. Pure: the
// same counts always give the same bytes.

export type DayCounts = { day: string; red: number; yellow: number; green: number };

export const CHART = { width: 560, height: 240, legend: 16, margin: 12, gap: 6 } as const;

type Rgb = readonly [number, number, number];
const COLOURS = { red: [220, 53, 69], yellow: [240, 180, 20], green: [40, 167, 69] } as const satisfies Record<string, Rgb>;
const BACKGROUND: Rgb = [255, 255, 255];
const AXIS: Rgb = [180, 180, 180];

export function renderHealthChart(days: readonly DayCounts[]): Buffer {
  const { width, height, legend, margin, gap } = CHART;
  const pixels = new Uint8Array(width * height * 3);
  const fill = (x0: number, y0: number, x1: number, y1: number, c: Rgb) => {
    for (let y = Math.max(0, y0); y < Math.min(height, y1); y++) {
      for (let x = Math.max(0, x0); x < Math.min(width, x1); x++) pixels.set(c, (y * width + x) * 3);
    }
  };
  fill(0, 0, width, height, BACKGROUND);
  // Legend: three swatches, RED, YELLOW, GREEN, in the order the bars stack from the bottom.
  for (const [i, c] of [COLOURS.red, COLOURS.yellow, COLOURS.green].entries()) fill(margin + i * 40, 4, margin + i * 40 + 30, 4 + legend - 6, c);
  const top = legend + margin;
  const bottom = height - margin;
  fill(margin, bottom, width - margin, bottom + 1, AXIS);
  if (days.length === 0) return encodePng({ width, height, pixels });
  const max = Math.max(1, ...days.map((d) => d.red + d.yellow + d.green));
  const slot = (width - 2 * margin) / days.length;
  const scale = (bottom - top) / max;
  days.forEach((d, i) => {
    const x0 = Math.round(margin + i * slot + gap / 2);
    const x1 = Math.round(margin + (i + 1) * slot - gap / 2);
    let y = bottom;
    for (const [n, c] of [
      [d.red, COLOURS.red],
      [d.yellow, COLOURS.yellow],
      [d.green, COLOURS.green],
    ] as const) {
      const h = Math.round(n * scale);
      fill(x0, y - h, x1, y, c);
      y -= h;
    }
  });
  return encodePng({ width, height, pixels });
}
