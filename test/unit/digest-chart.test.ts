import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { CHART, renderHealthChart, type DayCounts } from "../../src/features/digests/digest-chart.js";
import { crc32 } from "../../src/lib/png.js";

/** A PNG decoded by hand: signature, each chunk's CRC, IHDR, and the inflated IDAT's pixels. */
function decode(png: Buffer): { width: number; height: number; rgb: (x: number, y: number) => number[] } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  for (;;) {
    const len = png.readUInt32BE(at);
    const type = png.toString("ascii", at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + len);
    expect(png.readUInt32BE(at + 8 + len)).toBe(crc32(png.subarray(at + 4, at + 8 + len)));
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([...data.subarray(8)]).toEqual([8, 2, 0, 0, 0]);
    }
    if (type === "IDAT") idat.push(data);
    at += 12 + len;
    if (type === "IEND") break;
  }
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe((width * 3 + 1) * height);
  return { width, height, rgb: (x, y) => [...raw.subarray(y * (width * 3 + 1) + 1 + x * 3, y * (width * 3 + 1) + 4 + x * 3)] };
}

const days = (n: number, f: (i: number) => Omit<DayCounts, "day">): DayCounts[] =>
  Array.from({ length: n }, (_, i) => ({ day: `2026-03-${String(i + 1).padStart(2, "0")}`, ...f(i) }));

describe("renderHealthChart", () => {
  it("is a valid PNG of the chart's size", () => {
    const img = decode(renderHealthChart(days(14, () => ({ red: 2, yellow: 3, green: 5 }))));
    expect([img.width, img.height]).toEqual([CHART.width, CHART.height]);
  });

  it("changes with the data: the bars' colours sit where the counts put them", () => {
    const allRed = decode(renderHealthChart(days(14, () => ({ red: 10, yellow: 0, green: 0 }))));
    const allGreen = decode(renderHealthChart(days(14, () => ({ red: 0, yellow: 0, green: 10 }))));
    const midX = Math.round(CHART.margin + 20);
    const midY = Math.round(CHART.height / 2);
    expect(allRed.rgb(midX, midY)).toEqual([220, 53, 69]);
    expect(allGreen.rgb(midX, midY)).toEqual([40, 167, 69]);
    expect(renderHealthChart(days(14, (i) => ({ red: i, yellow: 1, green: 2 })))).not.toEqual(
      renderHealthChart(days(14, (i) => ({ red: 14 - i, yellow: 1, green: 2 }))),
    );
  });

  it("an empty history is a blank chart, not an error; the same data gives the same bytes", () => {
    expect(decode(renderHealthChart([])).width).toBe(CHART.width);
    const d = days(3, () => ({ red: 1, yellow: 1, green: 1 }));
    expect(renderHealthChart(d).equals(renderHealthChart(d))).toBe(true);
  });
});
