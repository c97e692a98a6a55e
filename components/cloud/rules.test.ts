// Helpers the three clouds share.
import fc from "fast-check";
import { isoDuration, parseIsoDuration } from "./rules";

test("ISO 8601 durations round-trip", () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 48 * 3600 }), (s) => parseIsoDuration(isoDuration(s)) === s));
  expect(isoDuration(150)).toBe("PT2M30S");
});
