import { DEFAULT_MAX_RESPONSE_BYTES, IDLE_RSS_BYTES, LIMIT_SHARE, maxResponseBytesFor, peakRssFor } from "../src/memory-budget";

const MiB = 1024 * 1024;

describe("maxResponseBytesFor", () => {
  it.each([96, 128, 192, 256, 512])("keeps the estimated peak for the cap within the share of a %i MiB limit", (limitMiB) => {
    const cap = maxResponseBytesFor(limitMiB * MiB);
    expect(peakRssFor(cap)).toBeLessThanOrEqual(limitMiB * MiB * LIMIT_SHARE);
    // …and is the largest such cap (one byte more would not fit), unless the default bounds it.
    if (cap < DEFAULT_MAX_RESPONSE_BYTES) expect(peakRssFor(cap + 1)).toBeGreaterThan(limitMiB * MiB * LIMIT_SHARE);
  });

  it("never exceeds the default cap, however large the limit", () => {
    expect(maxResponseBytesFor(64 * 1024 * MiB)).toBe(DEFAULT_MAX_RESPONSE_BYTES);
  });

  it("is 0 when the limit does not even cover the idle process", () => {
    expect(maxResponseBytesFor(IDLE_RSS_BYTES)).toBe(0);
  });
});
