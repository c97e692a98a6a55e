// A policy's config: read as the engine hands it to a validator, and declared in the policy's JSON schema.
import type { ResourceValidationArgs } from "@pulumi/policy";

/** Config as the engine hands it, with each policy's defaults applied (the engine applies schema defaults). */
export function configOf<T extends object>(args: ResourceValidationArgs, defaults: T): T {
  let config: Partial<T> = {};
  try {
    config = args.getConfig<Partial<T>>() ?? {};
  } catch {
    config = {};
  }
  return { ...defaults, ...Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) } as T;
}

/** The JSON schema of a list of strings. */
export const stringList = { type: "array", items: { type: "string" } } as const;
