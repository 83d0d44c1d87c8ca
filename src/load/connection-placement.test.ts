import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { liveConnectSpec } from "./call-spec.js";
import { type PlacementPlan, spreadConnections } from "./connection-placement.js";
import type { RawConnection } from "./raw-client.js";

/** Connections a fake cluster hands to workers in the order given (then round robin). */
function fakeCluster(order: string[], workers: string[] | undefined) {
  let opened = 0;
  let closed = 0;
  const open = (): RawConnection => {
    const worker = opened < order.length ? order[opened] : workers?.[opened % workers.length];
    opened++;
    return {
      async request(_req, _signal, onChunk) {
        onChunk(new Uint8Array(0));
        const headers = new Headers(worker === undefined ? {} : { "x-worker": worker });
        return { status: 200, headers, trailers: new Headers(), bytes: 0 };
      },
      close() {
        closed++;
      },
    };
  };
  return { open, counts: () => ({ opened, closed }) };
}

const plan = (workers: number): PlacementPlan => ({
  workers,
  check: liveConnectSpec.requests[0] as NonNullable<(typeof liveConnectSpec.requests)[0]>,
  shape: liveConnectSpec.shape,
});

async function workersOf(conns: RawConnection[]): Promise<string[]> {
  const out: string[] = [];
  for (const c of conns) {
    const res = await c.request(
      { method: "GET", path: "/", headers: {} },
      new AbortController().signal,
      () => {},
    );
    out.push(res.headers.get("x-worker") ?? "?");
  }
  return out;
}

describe("spreadConnections", () => {
  it("re-opens a connection that landed on a worker holding its share", async () => {
    // Both first connections land on worker A (the probe took B's turn).
    const cluster = fakeCluster(["A", "A"], ["A", "B"]);
    const conns = [cluster.open(), cluster.open()];
    const said = await spreadConnections(conns, cluster.open, plan(2));
    assert.deepEqual((await workersOf(conns)).sort(), ["A", "B"]);
    assert.match(
      said,
      /2 heavy connection\(s\) spread over 2 workers, at most 1 each \(\d+ re-opened\)/,
    );
    assert.ok(cluster.counts().closed >= 1);
  });

  it("allows ⌈connections ÷ workers⌉ per worker", async () => {
    const cluster = fakeCluster(["A", "A", "A"], ["A", "B"]);
    const conns = [cluster.open(), cluster.open(), cluster.open()];
    await spreadConnections(conns, cluster.open, plan(2));
    const placed = await workersOf(conns);
    assert.equal(placed.filter((w) => w === "A").length, 2);
    assert.equal(placed.filter((w) => w === "B").length, 1);
  });

  it("says so, and leaves the connections, when the server names no worker", async () => {
    const cluster = fakeCluster([], undefined);
    const conns = [cluster.open(), cluster.open()];
    assert.match(await spreadConnections(conns, cluster.open, plan(2)), /no x-worker header/);
  });

  it("gives up, saying so, when re-opening never reaches another worker", async () => {
    const cluster = fakeCluster([], ["A"]);
    const conns = [cluster.open(), cluster.open()];
    assert.match(
      await spreadConnections(conns, cluster.open, plan(2)),
      /not spread: after \d+ re-opened/,
    );
  });
});
