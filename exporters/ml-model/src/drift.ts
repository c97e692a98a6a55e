// Drift score from distributions, for datasets where the ML service sends the reference and production
// histograms of each feature instead of a score.
//
// The Jensen–Shannon distance with base-2 logarithms is symmetric, defined even where one histogram has
// empty bins (unlike KL divergence), and bounded to 0..1: 0 for identical distributions, 1 for ones
// with disjoint support. So it lives on the same 0..1 scale as service-reported scores and the
// DataDriftDetected threshold (0.3).
import type { FeatureDistributions } from "./contract";

/** Label value for ml_data_drift_score's `method`: how the score was obtained. */
export type DriftMethod = "reported" | "jensen_shannon_distance";

/**
 * Counts as probabilities. Dividing by the largest count first keeps the sum finite (counts near
 * Number.MAX_VALUE overflowed it to Infinity, which scored [1,1] against [1e308,1e308] at 0.71) and the
 * result independent of scale.
 */
function normalize(counts: readonly number[], side: string): number[] {
  let max = 0;
  for (const c of counts) {
    if (!(c >= 0 && c < Infinity)) throw new RangeError(`${side} has a bin that is not a finite count ≥ 0: ${c}`);
    if (c > max) max = c;
  }
  if (max === 0) throw new RangeError(`${side}: all bins are 0`);
  const scaled = counts.map((c) => c / max);
  const total = scaled.reduce((a, b) => a + b, 0); // between 1 and the number of bins
  return scaled.map((c) => c / total);
}

/**
 * (1+x)·ln(1+x) + (1−x)·ln(1−x) for x in [−1, 1]: a bin's share of the divergence, as a function of
 * x = (p−q)/(p+q). Exactly 0 for equal probabilities; log1p keeps it accurate for nearly equal ones,
 * where p·log(2p/(p+q)) + q·log(2q/(p+q)) summed over bins cancels to rounding noise.
 */
function binDivergence(x: number): number {
  if (x === 1 || x === -1) return 2 * Math.LN2; // one side empty: the (1−|x|)·ln 0 term's limit is 0
  return (1 + x) * Math.log1p(x) + (1 - x) * Math.log1p(-x);
}

/**
 * Jensen–Shannon distance (base 2) between two histograms over the same bins, given as counts or
 * probabilities (each is normalized first): sqrt(½·KL(P‖M) + ½·KL(Q‖M)) with M = ½(P+Q). Summed per
 * bin as JSD = Σ (p+q)·g((p−q)/(p+q)) / (4·ln 2), every term ≥ 0, so rounding cannot make it negative
 * or leave noise for identical shapes. Throws RangeError for bins that are negative, not finite, or all 0.
 */
export function jensenShannonDistance(reference: readonly number[], production: readonly number[]): number {
  if (reference.length !== production.length) {
    throw new RangeError(`histograms differ in length: ${reference.length} vs ${production.length}`);
  }
  const p = normalize(reference, "reference");
  const q = normalize(production, "production");
  let divergence = 0;
  for (let i = 0; i < p.length; i++) {
    const sum = p[i] + q[i];
    if (sum > 0) divergence += sum * binDivergence((p[i] - q[i]) / sum);
  }
  // ≤ 1 in exact arithmetic; rounding can exceed it by an ulp.
  return Math.sqrt(Math.min(1, divergence / (4 * Math.LN2)));
}

/**
 * A dataset's score is its most-drifted feature's distance: drift in any one feature is worth an
 * alert, and averaging would dilute it as features are added.
 */
export function datasetDriftScore(features: readonly FeatureDistributions[]): number {
  return features.reduce((max, f) => Math.max(max, jensenShannonDistance(f.reference, f.production)), 0);
}
