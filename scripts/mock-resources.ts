// Runs Pulumi code under the SDK's mocks and records what it registers: the offline render's engine,
// and the tests' (test/helpers/mocks.ts).
import * as pulumi from "@pulumi/pulumi";
import { cloudMockState } from "./cloud-mock-state";

export interface RenderedResource {
  type: string;
  name: string;
  inputs: Record<string, any>;
  /** The inputs as sent to the engine, Pulumi secrets still wrapped (so a check can tell which values are secret). */
  wireInputs?: Record<string, any>;
  /** The explicit provider the resource uses, as the engine names it (`<provider urn>::<id>`); none = the default provider. */
  provider?: string;
}

/** The stand-in a RandomPassword's `result` takes under the mocks (unique per resource name). */
export const generatedPassword = (resourceName: string) => `generated-${resourceName}`;

/**
 * `value` with every Pulumi secret replaced by a marker: what is left is what state and previews show in
 * clear. `marker` names a secret from its (placeholder) value; by default every secret is "[secret]".
 */
export function maskSecrets(value: unknown, marker: (secret: unknown) => string = () => "[secret]"): any {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, marker));
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj[SECRET_SIG_KEY] === SECRET_SIG) return marker(unwrapSecrets(obj.value));
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, maskSecrets(v, marker)]));
  }
  return value;
}

/** Pulumi's wire marker for a secret value (the SDK's rpc "specialSigKey" / "specialSecretSig"). */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Inputs as the resource receives them: secret-wrapped values unwrapped (they are placeholders here). */
export function unwrapSecrets(value: unknown): any {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj[SECRET_SIG_KEY] === SECRET_SIG) return unwrapSecrets(obj.value);
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

export class ResourceRecorder {
  readonly resources: RenderedResource[] = [];

  /** Installs mocks that record every registration (process-wide: one recorder at a time). */
  async install(stack = "test"): Promise<void> {
    await pulumi.runtime.setMocks({
      newResource: (args) => {
        this.resources.push({ type: args.type, name: args.name, inputs: unwrapSecrets(args.inputs), wireInputs: args.inputs, ...(args.provider ? { provider: args.provider } : {}) });
        // A generated password's result stands in for the real one (a placeholder, like every secret here).
        const generated = args.type === "random:index/randomPassword:RandomPassword" ? { result: generatedPassword(args.name) } : {};
        // Cloud providers name what the program leaves unnamed (auto-naming, S3's bucketPrefix); stand in for it.
        const autonamed = args.type.startsWith("kubernetes:") ? {} : {
          name: args.inputs.name ?? `${args.name}-autonamed`,
          ...(args.type === "aws:s3/bucket:Bucket" ? { bucket: args.inputs.bucket ?? `${args.inputs.bucketPrefix ?? args.name}autonamed` } : {}),
        };
        return { id: `${args.name}-id`, state: { ...autonamed, ...args.inputs, ...generated, ...cloudMockState(args.type, args.name, args.inputs) } };
      },
      call: (args) => args.inputs,
    }, "novacron", stack, false);
  }

  /** Waits until registrations stop arriving (newResource runs asynchronously under mocks). */
  async settle(): Promise<RenderedResource[]> {
    for (let stable = 0, last = -1; stable < 20; stable = this.resources.length === last ? stable + 1 : 0, last = this.resources.length) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    return this.resources;
  }

  ofKind(kind: string): RenderedResource[] {
    return this.resources.filter((r) => r.type.startsWith("kubernetes:") && r.inputs.kind === kind);
  }
}

/** The value of an output, once known. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => { resolve(v); return v; }));
}
