// Runs Pulumi code under the SDK's mocks and collects what it registered.
import * as pulumi from "@pulumi/pulumi";
import { unwrapSecrets } from "../../scripts/render";

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
}

export class ResourceRecorder {
  readonly resources: Registered[] = [];

  async install(stack = "test"): Promise<void> {
    await pulumi.runtime.setMocks({
      newResource: (args) => {
        this.resources.push({ type: args.type, name: args.name, inputs: unwrapSecrets(args.inputs) });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    }, "novacron", stack, false);
  }

  /** Waits until registrations stop arriving (newResource runs asynchronously under mocks). */
  async settle(): Promise<Registered[]> {
    for (let stable = 0, last = -1; stable < 20; stable = this.resources.length === last ? stable + 1 : 0, last = this.resources.length) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    return this.resources;
  }

  ofKind(kind: string): Registered[] {
    return this.resources.filter((r) => r.type.startsWith("kubernetes:") && r.inputs.kind === kind);
  }
}

export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => { resolve(v); return v; }));
}

/** Pod templates of every workload kind among the registered resources. */
export function podTemplates(resources: Registered[]): { kind: string; name: string; template: any }[] {
  return resources
    .filter((r) => ["Deployment", "StatefulSet", "DaemonSet"].includes(r.inputs.kind))
    .map((r) => ({ kind: r.inputs.kind, name: r.inputs.metadata.name, template: r.inputs.spec.template }));
}
