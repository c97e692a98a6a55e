// Outputs a cloud provider computes on create (ARNs, endpoints, ids), made up for the offline render and
// the tests, so the wiring that depends on them (remote_write URLs, role annotations) is rendered and
// checked. Obviously fake values: account 000000000000, example hosts.
import { createHash } from "crypto";

const FAKE_ACCOUNT = "000000000000";

/** A stable made-up GUID (Entra client and principal ids are GUIDs; Prometheus checks the format). */
function fakeGuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function cloudMockState(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
  if (type.startsWith("aws:")) {
    const service = type.slice(4, type.indexOf("/"));
    const state: Record<string, unknown> = { arn: `arn:aws:${service}:mock-region:${FAKE_ACCOUNT}:${inputs.name ?? name}` };
    if (type === "aws:amp/workspace:Workspace") {
      Object.assign(state, { arn: `arn:aws:aps:mock-region:${FAKE_ACCOUNT}:workspace/ws-${name}`, prometheusEndpoint: `https://aps-workspaces.mock-region.amazonaws.com/workspaces/ws-${name}/` });
    }
    if (type === "aws:kms/key:Key") state.keyId = `key-${name}`;
    return state;
  }
  if (type.startsWith("gcp:")) {
    if (type === "gcp:serviceaccount/account:Account") return { email: `${inputs.accountId}@${inputs.project}.iam.gserviceaccount.com`, name: `projects/${inputs.project}/serviceAccounts/${inputs.accountId}` };
    if (type === "gcp:monitoring/notificationChannel:NotificationChannel") return { name: `projects/${inputs.project}/notificationChannels/${name}` };
    if (type === "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig") return { uptimeCheckId: `${name}-check` };
    return {};
  }
  if (type.startsWith("azure-native:")) {
    const state: Record<string, unknown> = {};
    if (type === "azure-native:resources:ResourceGroup") state.name = inputs.resourceGroupName;
    if (type === "azure-native:monitor:DataCollectionEndpoint") state.metricsIngestion = { endpoint: `https://${name}.westeurope-1.metrics.ingest.monitor.azure.com` };
    if (type === "azure-native:monitor:DataCollectionRule") state.immutableId = `dcr-${name}`;
    if (type === "azure-native:managedidentity:UserAssignedIdentity") Object.assign(state, { clientId: fakeGuid(`client-${name}`), principalId: fakeGuid(`principal-${name}`), name: inputs.resourceName });
    return state;
  }
  return {};
}
