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

function normalize(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => c / total);
}

/** Σ p·log2(p/m), skipping p = 0 terms (their limit is 0). m > 0 wherever p > 0, as m = (p+q)/2. */
function klDivergenceBase2(p: readonly number[], m: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] > 0) sum += p[i] * Math.log2(p[i] / m[i]);
  }
  return sum;
}

/**
 * Jensen–Shannon distance (base 2) between two histograms over the same bins, given as counts or
 * probabilities (each is normalized first): sqrt(½·KL(P‖M) + ½·KL(Q‖M)) with M = ½(P+Q).
 */
export function jensenShannonDistance(reference: readonly number[], production: readonly number[]): number {
  if (reference.length !== production.length) {
    throw new RangeError(`histograms differ in length: ${reference.length} vs ${production.length}`);
  }
  const p = normalize(reference);
  const q = normalize(production);
  const m = p.map((pi, i) => (pi + q[i]) / 2);
  const divergence = (klDivergenceBase2(p, m) + klDivergenceBase2(q, m)) / 2;
  // Rounding can leave a tiny negative divergence for identical inputs, or exceed 1 by an ulp.
  return Math.sqrt(Math.min(1, Math.max(0, divergence)));
}

/**
 * A dataset's score is its most-drifted feature's distance: drift in any one feature is worth an
 * alert, and averaging would dilute it as features are added.
 */
export function datasetDriftScore(features: readonly FeatureDistributions[]): number {
  return features.reduce((max, f) => Math.max(max, jensenShannonDistance(f.reference, f.production)), 0);
}
