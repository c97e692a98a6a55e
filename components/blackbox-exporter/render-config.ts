// Pure: blackbox_exporter modules for the four probe kinds the seed names (HTTP, TCP, DNS, ICMP).

export interface BlackboxConfigSpec {
  /** Per-probe timeout; must stay under Prometheus' scrape timeout. */
  timeout: string;
  /** The name the dns module asks each probed DNS server for. */
  dnsQueryName: string;
}

export function renderBlackboxConfig(spec: BlackboxConfigSpec): Record<string, unknown> {
  // IPv4 first, falling back to IPv6, so dual-stack targets probe the way most clients connect.
  const ip = { preferred_ip_protocol: "ip4", ip_protocol_fallback: true };
  return {
    modules: {
      http_2xx: {
        prober: "http",
        timeout: spec.timeout,
        http: { ...ip, method: "GET", follow_redirects: true, valid_status_codes: [], fail_if_not_ssl: false },
      },
      tcp_connect: { prober: "tcp", timeout: spec.timeout, tcp: { ...ip } },
      dns: {
        prober: "dns",
        timeout: spec.timeout,
        dns: { ...ip, transport_protocol: "udp", query_name: spec.dnsQueryName, query_type: "A", valid_rcodes: ["NOERROR"] },
      },
      // Unprivileged ICMP: the pod allows its group to open ping sockets (net.ipv4.ping_group_range),
      // so the exporter needs neither root nor CAP_NET_RAW.
      icmp: { prober: "icmp", timeout: spec.timeout, icmp: { ...ip } },
    },
  };
}
