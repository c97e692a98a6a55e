// The args every scraped exporter component takes beyond its own settings, declared once.
import type * as pulumi from "@pulumi/pulumi";
import type { PeerSelector } from "./network";
import type { ResourceRequirements } from "./workload";

export interface ScrapedExporterArgs {
  /** Namespace to deploy into (must exist; host-level exporters need one that allows privileged pods). */
  namespace: pulumi.Input<string>;
  /** CPU and memory requests and limits of the main container. */
  resources?: ResourceRequirements;
  /** Create a NetworkPolicy for the pods (default true). */
  networkPolicy?: boolean;
  /** Pods allowed to scrape the exporter (Prometheus). */
  scrapers?: PeerSelector[];
}
