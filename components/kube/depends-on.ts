import * as pulumi from "@pulumi/pulumi";

/**
 * What a component's child waits for: the component's own `opts.dependsOn` plus the child's own dependencies.
 * Pulumi does not pass a component's dependsOn on to its children, so a component that must wait for
 * something outside it (the ECK operator's CRDs, the cluster a client writes to) forwards it to the children
 * that need it. `opts.dependsOn` may be a resource, a list, or an output or promise of either.
 */
export function dependsOnWith(opts: pulumi.ResourceOptions | undefined, ...own: pulumi.Resource[]): pulumi.Input<pulumi.Input<pulumi.Resource>[]> {
  const given = opts?.dependsOn;
  if (given === undefined) return own;
  if (Array.isArray(given)) return [...given, ...own];
  if (pulumi.Resource.isInstance(given)) return [given, ...own];
  // An output or promise: pulumi.output leaves resources inside it as they are (it never unwraps a Resource).
  return pulumi.output(given as pulumi.Input<pulumi.Resource[] | pulumi.Resource>).apply((d) => [...(Array.isArray(d) ? d : [d]), ...own] as pulumi.Resource[]);
}
