import { datasetDriftScore, jensenShannonDistance } from "../src/drift";

// References computed by hand. JSD(P,Q) = ½·KL(P‖M) + ½·KL(Q‖M) with M = ½(P+Q), logs base 2; the
// distance is √JSD.
describe("jensenShannonDistance (base 2)", () => {
  it("is 0 for identical distributions, whether given as counts or probabilities", () => {
    expect(jensenShannonDistance([1, 2, 3], [1, 2, 3])).toBe(0);
    // [10,10,20] and [5,5,10] both normalize to [¼,¼,½].
    expect(jensenShannonDistance([10, 10, 20], [5, 5, 10])).toBe(0);
  });

  it("is 1 for disjoint supports", () => {
    // P=[1,0], Q=[0,1], M=[½,½]: KL(P‖M) = 1·log2(1/½) = 1, likewise KL(Q‖M) = 1, JSD = 1, distance 1.
    expect(jensenShannonDistance([1, 0], [0, 1])).toBeCloseTo(1, 12);
    expect(jensenShannonDistance([5, 0, 0], [0, 2, 3])).toBeCloseTo(1, 12);
  });

  it("matches the hand-computed value for P=[¼,¾], Q=[¾,¼]", () => {
    // M = [½,½]. KL(P‖M) = ¼·log2(½) + ¾·log2(3/2) = -0.25 + 0.75·0.5849625007 = 0.1887218755;
    // KL(Q‖M) is the same by symmetry, so JSD = 0.1887218755 and the distance is √ = 0.4344214.
    expect(jensenShannonDistance([1, 3], [3, 1])).toBeCloseTo(0.4344214, 6);
  });

  it("matches the hand-computed value for P=[½,½], Q=[1,0] (an empty bin in Q)", () => {
    // M = [¾,¼]. KL(P‖M) = ½·log2(½ / ¾) + ½·log2(½ / ¼) = ½·(-0.5849625) + ½·1 = 0.2075187;
    // KL(Q‖M) = 1·log2(1 / ¾) = 0.4150375 (the 0·log 0 term is 0).
    // JSD = ½·(0.2075187 + 0.4150375) = 0.3112781; distance = √0.3112781 = 0.5579230.
    expect(jensenShannonDistance([1, 1], [1, 0])).toBeCloseTo(0.557923, 6);
  });

  it("is symmetric and bounded to 0..1", () => {
    const a = [3, 0, 7, 1, 9];
    const b = [1, 4, 0, 8, 2];
    expect(jensenShannonDistance(a, b)).toBeCloseTo(jensenShannonDistance(b, a), 15);
    // Deterministic pseudo-random histograms, a third of the bins empty.
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const histogram = () => Array.from({ length: 6 }, () => (random() < 0.3 ? 0 : random() * 10));
    for (let i = 0; i < 200; i++) {
      const p = [...histogram(), 1];
      const q = [...histogram(), 1];
      const d = jensenShannonDistance(p, q);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(1);
    }
  });

  it("rejects histograms with different numbers of bins", () => {
    expect(() => jensenShannonDistance([1, 2], [1, 2, 3])).toThrow(RangeError);
  });
});

describe("datasetDriftScore", () => {
  it("is the largest distance over the features", () => {
    const score = datasetDriftScore([
      { name: "amount", reference: [1, 3], production: [3, 1] }, // 0.4344214 (above)
      { name: "merchant_category", reference: [10, 10, 20], production: [5, 5, 10] }, // 0
    ]);
    expect(score).toBeCloseTo(0.4344214, 6);
  });
});
