import type { PeerCase, PeersResults, ScenarioId, Spread } from "./peers-results.js";

/** What each scenario measures, as the report's section titles say it. */
export const scenarioTitles: Record<ScenarioId, string> = {
  "grpc-live-h2c": "gRPC `Live` over h2c (h2load)",
  "connect-proto-live-h2c": "Connect proto `Live` over h2c, GET (h2load)",
  "connect-proto-live-http1": "Connect proto `Live` over HTTP/1.1 (wrk)",
  "rest-live-http1": "REST `GET /.well-known/live` over HTTP/1.1 (wrk)",
  "grpc-live-ghz": "gRPC `Live` (ghz)",
  "grpc-heavy": "Heavy gRPC `ListClients`, one call at a time (h2load)",
  "rest-heavy": "Heavy REST `GET /v1/clients`, one call at a time (h2load --h1)",
  "grpc-retention": "gRPC `Live` probe while heavy gRPC calls run (h2load)",
  "rest-retention": "REST live probe while heavy REST calls run (wrk + h2load --h1)",
};

const fmt = (value: number, digits: number) =>
  Number.isFinite(value)
    ? value.toLocaleString("en-US", {
        maximumFractionDigits: digits,
        minimumFractionDigits: digits,
      })
    : "–";

/** `median (min–max)`. */
export function spreadText(spread: Spread | undefined, digits = 0): string {
  if (spread === undefined) {
    return "–";
  }
  if (spread.min === spread.max) {
    return fmt(spread.median, digits);
  }
  return `${fmt(spread.median, digits)} (${fmt(spread.min, digits)}–${fmt(spread.max, digits)})`;
}

const serverLabel = (c: PeerCase) => (c.variant === "" ? c.server : `${c.server} (${c.variant})`);

/** One scenario's table: headers and formatted rows. */
export interface PeersTable {
  title: string;
  headers: string[];
  rows: string[][];
}

function caseTable(
  cases: PeerCase[],
  scenario: ScenarioId,
): { headers: string[]; rows: string[][] } {
  const heavy = scenario.endsWith("-heavy");
  const retention = scenario.endsWith("-retention");
  const head = retention
    ? [
        "server",
        "probe req/s under heavy",
        "probe p99 ms",
        "retention",
        "heavy calls",
        "load tool CPU %",
      ]
    : heavy
      ? ["server", "calls/s", "mean ms", "p99 ms", "MB/s", "server CPU ms/call", "load tool CPU %"]
      : ["server", "req/s", "p99 ms", "server CPU µs/req", "load tool CPU %"];
  const rows = cases.map((c) => {
    if (retention) {
      return [
        serverLabel(c),
        spreadText(c.rps),
        spreadText(c.p99Ms, 1),
        c.retention === undefined
          ? "–"
          : `${spreadText({ median: c.retention.median * 100, min: c.retention.min * 100, max: c.retention.max * 100 })} %`,
        spreadText(
          c.rounds.length === 0
            ? undefined
            : {
                median:
                  c.rounds.map((r) => r.heavyCalls ?? 0).sort((a, b) => a - b)[
                    Math.floor(c.rounds.length / 2)
                  ] ?? 0,
                min: Math.min(...c.rounds.map((r) => r.heavyCalls ?? 0)),
                max: Math.max(...c.rounds.map((r) => r.heavyCalls ?? 0)),
              },
        ),
        spreadText(c.toolCpuPercent),
      ];
    }
    if (heavy) {
      const cpuMs = c.serverCpuUsPerRequest && {
        median: c.serverCpuUsPerRequest.median / 1_000,
        min: c.serverCpuUsPerRequest.min / 1_000,
        max: c.serverCpuUsPerRequest.max / 1_000,
      };
      return [
        serverLabel(c),
        spreadText(c.rps, 2),
        spreadText(c.meanMs),
        spreadText(c.p99Ms),
        spreadText(c.mbPerSec, 1),
        spreadText(cpuMs),
        spreadText(c.toolCpuPercent),
      ];
    }
    return [
      serverLabel(c),
      spreadText(c.rps),
      spreadText(c.p99Ms, 1),
      spreadText(c.serverCpuUsPerRequest),
      spreadText(c.toolCpuPercent),
    ];
  });
  return { headers: head, rows };
}

/** The target ratios, then one table per scenario, as the report shows them. */
export function peersTables(results: PeersResults): PeersTable[] {
  const tables: PeersTable[] = [
    {
      title: "Targets (ratios from the same rounds)",
      headers: ["comparison", "ratio, median (min–max)", "target"],
      rows: results.ratios.map((r) => [
        r.label,
        `${spreadText(r.spread, 2)}×`,
        `≥ ${r.target.toFixed(1)}×`,
      ]),
    },
  ];
  for (const scenario of [...new Set(results.cases.map((c) => c.scenario))]) {
    tables.push({
      title: scenarioTitles[scenario],
      ...caseTable(
        results.cases.filter((c) => c.scenario === scenario),
        scenario,
      ),
    });
  }
  return tables;
}

/** The line under the peers heading: when, where, how. */
export function peersPreamble(results: PeersResults): string[] {
  return [
    `${results.startedAt} · Node ${results.node} · ${results.cores} cores (${results.cpuModel}) · ` +
      `${results.rounds} round(s), servers alternated round by round · ` +
      (results.pinned
        ? "pinned with taskset (servers and load tools on separate cores)"
        : "not pinned") +
      (results.smoke
        ? " · smoke run: checks that every server answers; the numbers mean nothing"
        : ""),
    `Medians over the rounds, with min–max. Settings: ${Object.entries(results.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")}. Tools: ${Object.entries(results.tools)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}.`,
  ];
}

/**
 * The peers section: target ratios first, then one table per scenario.
 * `headingLevel` is the level of the section's own heading.
 */
export function renderPeersMarkdown(results: PeersResults, headingLevel = 1): string[] {
  const h = (extra: number) => "#".repeat(headingLevel + extra);
  const cell = (text: string) => text.replaceAll("|", "\\|");
  const lines = [
    `${h(0)} Peers: loopstall next to bare connect-node, grpc-js, fastify and raw Node`,
    "",
    ...peersPreamble(results).flatMap((line) => [line, ""]),
  ];
  for (const table of peersTables(results)) {
    lines.push(
      `${h(1)} ${table.title}`,
      "",
      `| ${table.headers.map(cell).join(" | ")} |`,
      `|${table.headers.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
      ...table.rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
      "",
    );
  }
  if (results.notes.length > 0) {
    lines.push(`${h(1)} Notes`, "", ...results.notes.map((note) => `- ${note}`), "");
  }
  return lines;
}
