// promtool cases of the node alerts (rules/infrastructure.ts).
import { aboveThresholdCases, CaseBuilder, constant, counter, Labels, pct, Scenario, SCRAPE_INTERVAL_SECONDS, zeroCases } from "./series";
import { node } from "./targets";

/** Two CPUs, one pegged at 100% and one making up the rest, so a single hot core alone is not an alert. */
function cpuScenario(busy: number): Scenario {
  const idle = (cpu: string, cpuBusy: number) =>
    counter("node_cpu_seconds_total", { ...node, cpu, mode: "idle" }, SCRAPE_INTERVAL_SECONDS * (1 - cpuBusy));
  return { what: `CPUs are ${pct(busy)} busy on average, one core pegged`, series: [idle("0", 1), idle("1", 2 * busy - 1)] };
}

/**
 * CPU cases. rate() underestimates during a series' first minute (no history to extrapolate over), which
 * reads as higher utilisation: the condition holds from 15s in the breach scenario, and the quiet scenario is
 * briefly pending before settling under the threshold.
 */
const cpuCases: CaseBuilder = (alert) => aboveThresholdCases(alert, cpuScenario, { activeFrom: SCRAPE_INTERVAL_SECONDS, labels: node });

function memoryScenario(used: number): Scenario {
  const total = 16 * 2 ** 30;
  return {
    what: `memory is ${pct(used)} used`,
    series: [
      constant("node_memory_MemAvailable_bytes", node, Math.round(total * (1 - used))),
      constant("node_memory_MemTotal_bytes", node, total),
    ],
  };
}

const rootFs: Labels = { ...node, device: "/dev/sda1", fstype: "ext4", mountpoint: "/" };

/** The root filesystem at `used`, next to a full tmpfs and a full read-only EFI partition that must not alert. */
function diskScenario(used: number): Scenario {
  const size = 100e9;
  const filesystem = (labels: Labels, fullness: number, readonly: 0 | 1) => [
    constant("node_filesystem_avail_bytes", labels, size * (1 - fullness)),
    constant("node_filesystem_size_bytes", labels, size),
    constant("node_filesystem_readonly", labels, readonly),
  ];
  return {
    what: `/ is ${pct(used)} full (a tmpfs and a read-only partition are 99% full)`,
    series: [
      ...filesystem(rootFs, used, 0),
      ...filesystem({ ...node, device: "tmpfs", fstype: "tmpfs", mountpoint: "/run" }, 0.99, 0),
      ...filesystem({ ...node, device: "/dev/sda15", fstype: "vfat", mountpoint: "/boot/efi" }, 0.99, 1),
    ],
  };
}

export const infrastructureCases: Record<string, CaseBuilder> = {
  HighCPUUsage: cpuCases,
  CriticalCPUUsage: cpuCases,
  HighMemoryUsage: (alert) => aboveThresholdCases(alert, memoryScenario, { activeFrom: 0, labels: node }),
  HighDiskUsage: (alert) => aboveThresholdCases(alert, diskScenario, { activeFrom: 0, labels: rootFs }),
  NodeDown: (alert) => zeroCases("up", node, alert.for, "node-exporter's up"),
};
