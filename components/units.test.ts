import { durationSeconds, formatDuration } from "./units";

describe("durations", () => {
  it.each([
    ["0s", 0],
    ["15s", 15],
    ["2m", 120],
    ["2m15s", 135],
    ["1h30m", 5400],
  ])("%s is %i seconds and back", (text, seconds) => {
    expect(durationSeconds(text)).toBe(seconds);
    expect(formatDuration(seconds)).toBe(text);
  });

  it("rejects what Prometheus would not read the same way", () => {
    expect(() => durationSeconds("")).toThrow();
    expect(() => durationSeconds("2 minutes")).toThrow();
    expect(() => formatDuration(1.5)).toThrow();
  });
});
