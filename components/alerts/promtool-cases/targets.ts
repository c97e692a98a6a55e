// Labels of the test series' scrape targets, as the scrape configuration attaches them.
import { jobs } from "../rules/selectors";
import { Labels } from "./series";

export const node: Labels = { instance: "node-1:9100", job: jobs.node, node: "node-1" };
export const prometheus: Labels = { instance: "prometheus-0:9090", job: jobs.prometheus };
export const alertmanager = (peer: number): Labels => ({ instance: `alertmanager-${peer}:9093`, job: jobs.alertmanager });
export const mlExporter: Labels = { instance: "ml-model-exporter:9200", job: jobs.mlExporter };
