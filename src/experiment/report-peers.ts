import { peersPreamble, peersTables, renderPeersMarkdown } from "../bench/peers/peers-markdown.js";
import { type PeersResults, parsePeersResults } from "../bench/peers/peers-results.js";
import { escapeHtml } from "./report-escape.js";

export type { PeersResults };

/** Reads the JSON `npm run bench:peers` wrote, for the report's peers section. */
export async function readPeersResults(path: string): Promise<PeersResults> {
  const { readFile } = await import("node:fs/promises");
  return parsePeersResults(await readFile(path, "utf8"));
}

/** The peers section of report.md (level-2 heading), or nothing without peers. */
export function peersMarkdownSection(peers: PeersResults | undefined): string[] {
  return peers === undefined ? [] : [...renderPeersMarkdown(peers, 2), ""];
}

/** The peers section of report.html, or an empty string without peers. */
export function peersHtmlSection(peers: PeersResults | undefined): string {
  if (peers === undefined) {
    return "";
  }
  const tables = peersTables(peers).map(
    (table) =>
      `<h3>${escapeHtml(table.title)}</h3><div class="table-wrap"><table><thead><tr>${table.headers
        .map((h) => `<th scope="col">${escapeHtml(h)}</th>`)
        .join("")}</tr></thead><tbody>${table.rows
        .map(
          (row) =>
            `<tr>${row.map((text, i) => `<td${i > 0 ? ' class="num"' : ""}>${escapeHtml(text)}</td>`).join("")}</tr>`,
        )
        .join("")}</tbody></table></div>`,
  );
  return [
    `<h2>Peers: loopstall next to bare connect-node, grpc-js, fastify and raw Node</h2>`,
    ...peersPreamble(peers).map((line) => `<p class="note">${escapeHtml(line)}</p>`),
    ...tables,
    ...peers.notes.map((note) => `<p class="note">${escapeHtml(note)}</p>`),
  ].join("\n");
}
