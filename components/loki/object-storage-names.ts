// Pure: the names of Loki's bucket and identity in each cloud (the shared workload bucket's names,
// components/object-storage/names.ts), and the rules each must pass.
import type { DerivedName } from "../name-rules";
import { objectStorageDerivedNames, objectStorageNames, ObjectStorageTarget } from "../object-storage/names";

export type { ObjectStorageNames as LokiObjectStorageNames } from "../object-storage/names";

/** The name Loki's object storage resources take after the Loki component's name. */
export function lokiChunksName(loki: string): string {
  return `${loki}-chunks`;
}

export const lokiObjectStorageNames = objectStorageNames;

/** The names Loki's bucket and identity take in `target.cloud`, with the rule each must pass. */
export function lokiObjectStorageDerivedNames(name: string, target: ObjectStorageTarget): DerivedName[] {
  return objectStorageDerivedNames(name, target, "Loki");
}
