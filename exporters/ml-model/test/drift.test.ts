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

// Properties over generated histograms (a fixed seed, so every run checks the same 2,000 cases): extreme
// magnitudes, denormals, empty bins. The textbook formula is the oracle where it is itself accurate.
describe("jensenShannonDistance with extreme values (generated, seed 15)", () => {
  let state = 15;
  const random = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const SCALES = [Number.MIN_VALUE, 1e-320, 1e-300, 1e-12, 1, 1e12, 1e300, Number.MAX_VALUE / 64];
  /** A histogram of 1..12 bins in 0..1, about a third of them empty, never all empty. */
  const shape = () => {
    const bins = Array.from({ length: 1 + Math.floor(random() * 12) }, () => (random() < 0.3 ? 0 : random()));
    bins[Math.floor(random() * bins.length)] = 1;
    return bins;
  };
  const scaled = (bins: number[], k: number) => bins.map((b) => b * k);
  /** Whether scaling kept every bin's share: no non-empty bin underflowed to 0 or lost its digits. */
  const representable = (bins: number[], k: number) => bins.every((b) => b === 0 || Math.abs(b * k) >= 1e-290);
  const textbook = (a: number[], b: number[]) => {
    const norm = (xs: number[]) => xs.map((x) => x / xs.reduce((s, y) => s + y, 0));
    const [p, q] = [norm(a), norm(b)];
    const kl = (x: number[], m: number[]) => x.reduce((s, xi, i) => (xi > 0 ? s + xi * Math.log2(xi / m[i]) : s), 0);
    const m = p.map((pi, i) => (pi + q[i]) / 2);
    return Math.sqrt(Math.max(0, (kl(p, m) + kl(q, m)) / 2));
  };
  const cases = Array.from({ length: 2000 }, () => {
    const a = shape();
    const b = random() < 0.2 ? [...a] : Array.from({ length: a.length }, () => (random() < 0.3 ? 0 : random())).map((x, i) => (i === 0 ? x + 0.5 : x));
    return { a, b, ka: pick(SCALES), kb: pick(SCALES) };
  });

  it("is exactly 0 for identical histograms and at most 1e-12 for one shape at any two scales", () => {
    for (const { a, ka, kb } of cases) {
      expect(jensenShannonDistance(scaled(a, ka), scaled(a, ka))).toBe(0);
      if (representable(a, ka) && representable(a, kb)) expect(jensenShannonDistance(scaled(a, ka), scaled(a, kb))).toBeLessThanOrEqual(1e-12);
    }
  });

  it("is scale-invariant: the same distance at any scales, and the textbook value at scale 1", () => {
    for (const { a, b, ka, kb } of cases) {
      const d = jensenShannonDistance(a, b);
      expect(Math.abs(d - textbook(a, b))).toBeLessThanOrEqual(1e-7); // the textbook sum carries ~1e-8 of rounding noise near 0
      if (representable(a, ka) && representable(b, kb)) expect(Math.abs(jensenShannonDistance(scaled(a, ka), scaled(b, kb)) - d)).toBeLessThanOrEqual(1e-9);
    }
  });

  it("is finite, in 0..1 and symmetric for every generated pair, including denormal and near-overflow counts", () => {
    for (const { a, b, ka, kb } of cases) {
      const [x, y] = [scaled(a, ka), scaled(b, kb)];
      if (x.every((v) => v === 0) || y.every((v) => v === 0)) continue; // all bins underflowed: refused below
      const d = jensenShannonDistance(x, y);
      expect(Number.isFinite(d)).toBe(true);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(1);
      expect(jensenShannonDistance(y, x)).toBe(d);
    }
  });

  it("satisfies the triangle inequality (the distance is a metric)", () => {
    for (let i = 0; i + 2 < cases.length; i += 3) {
      const n = Math.min(cases[i].a.length, cases[i + 1].a.length, cases[i + 2].a.length);
      const [x, y, z] = [cases[i].a, cases[i + 1].a, cases[i + 2].a].map((h) => [...h.slice(0, n - 1), 1]);
      expect(jensenShannonDistance(x, z)).toBeLessThanOrEqual(jensenShannonDistance(x, y) + jensenShannonDistance(y, z) + 1e-12);
    }
  });

  it.each([
    ["counts near the largest double (issue 15: 0.71)", [1, 1], [1e308, 1e308], 0],
    ["the largest double in every bin", [Number.MAX_VALUE, Number.MAX_VALUE], [1, 1], 0],
    ["denormal counts", [Number.MIN_VALUE, 2 * Number.MIN_VALUE], [1, 2], 0],
    ["disjoint supports at opposite extremes", [Number.MAX_VALUE, 0], [0, Number.MIN_VALUE], 1],
    ["a denormal bin against an empty one", [1, Number.MIN_VALUE], [1, 0], 0],
  ])("%s", (_, a, b, expected) => {
    expect(jensenShannonDistance(a, b)).toBeCloseTo(expected, 12);
  });

  it.each([
    ["NaN", [NaN, 1]],
    ["Infinity", [Infinity, 1]],
    ["a negative count", [-1, 2]],
    ["all bins 0", [0, 0]],
  ])("refuses %s rather than return NaN", (_, bins) => {
    expect(() => jensenShannonDistance(bins, [1, 1])).toThrow(RangeError);
    expect(() => jensenShannonDistance([1, 1], bins)).toThrow(RangeError);
  });
});
