import { createHash } from "crypto";

/** Short, stable hash of rendered config, put on pod templates so a config change rolls the pods. */
export function contentHash(...parts: string[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part).update("\u0000");
  return hash.digest("hex").slice(0, 16);
}
