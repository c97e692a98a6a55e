import type { ComponentContract } from "../contract";

/** Elasticsearch (run by ECK): the REST API over HTTPS, and the transport between its nodes. */
export const elasticsearchContract = {
  name: "elasticsearch",
  ports: { http: 9200, transport: 9300 },
} as const satisfies ComponentContract;

export const ES_HTTP_PORT = elasticsearchContract.ports.http;
export const ES_TRANSPORT_PORT = elasticsearchContract.ports.transport;
