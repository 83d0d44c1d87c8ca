import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { request } from "node:http";
import { connect } from "node:http2";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { negotiateEncoding } from "./rest-compression.js";
import { type RunningServer, startServer } from "./server.js";
import { defaultServerConfig } from "./server-config.js";

const run = promisify(execFile);

/** GET over HTTP/1.1 with `accept-encoding`; the raw (still encoded) body and headers. */
function rawGet(url: string, acceptEncoding?: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(
        url,
        { headers: acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks),
            }),
          );
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end();
    },
  );
}

describe("REST compression", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ ...defaultServerConfig, port: 0 });
  });
  after(() => server.close());

  const query = "/v1/clients?count=2000&accounts_per_client=1&filled_strings=3";

  for (const strategy of ["inline", "offload", "stream"] as const) {
    it(`${strategy}: gzip and br bodies decode to the identity body`, async () => {
      const url = `${server.url}${query}&strategy=${strategy}`;
      const identity = await rawGet(url);
      assert.equal(identity.headers["content-encoding"], undefined);
      assert.ok(identity.body.byteLength > 100_000);
      const gz = await rawGet(url, "gzip, deflate");
      assert.equal(gz.headers["content-encoding"], "gzip");
      assert.equal(gz.headers.vary, "accept-encoding");
      assert.ok(gz.body.byteLength < identity.body.byteLength / 3);
      assert.ok(gunzipSync(gz.body).equals(identity.body));
      const br = await rawGet(url, "br");
      assert.equal(br.headers["content-encoding"], "br");
      assert.ok(brotliDecompressSync(br.body).equals(identity.body));
    });
  }

  it("works with `curl --compressed`, over HTTP/1.1 and h2c", async () => {
    const plain = await run("curl", ["-sf", `${server.url}${query}`], { maxBuffer: 1 << 26 });
    for (const http of ["--http1.1", "--http2-prior-knowledge"]) {
      const { stdout } = await run(
        "curl",
        ["-sf", http, "--compressed", `${server.url}${query}&strategy=stream`],
        { maxBuffer: 1 << 26 },
      );
      assert.equal(stdout, plain.stdout, http);
    }
    const { stdout: headers } = await run(
      "curl",
      ["-sf", "--compressed", "-o", "/dev/null", "-D", "-", `${server.url}${query}`],
      { maxBuffer: 1 << 26 },
    );
    assert.match(headers, /^content-encoding: gzip\r?$/im);
  });

  it("gzips over HTTP/2 for a Node client too", async () => {
    const session = connect(server.url);
    try {
      const { headers, body } = await new Promise<{
        headers: Record<string, unknown>;
        body: Buffer;
      }>((resolve, reject) => {
        const stream = session.request({ ":path": query, "accept-encoding": "gzip" });
        const chunks: Buffer[] = [];
        let headers: Record<string, unknown> = {};
        stream.on("response", (h) => (headers = h));
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => resolve({ headers, body: Buffer.concat(chunks) }));
        stream.on("error", reject);
      });
      assert.equal(headers["content-encoding"], "gzip");
      const json = JSON.parse(gunzipSync(body).toString()) as { clients: unknown[] };
      assert.equal(json.clients.length, 2000);
    } finally {
      session.close();
    }
  });

  it("leaves tiny bodies and count=0 ({}) uncompressed", async () => {
    const empty = await rawGet(`${server.url}/v1/clients?count=0`, "gzip");
    assert.equal(empty.headers["content-encoding"], undefined);
    assert.equal(empty.body.toString(), "{}");
    const live = await rawGet(`${server.url}/.well-known/live`, "gzip");
    assert.equal(live.headers["content-encoding"], undefined);
  });

  it("negotiates by q-value, gzip on a tie", () => {
    assert.equal(negotiateEncoding(undefined), undefined);
    assert.equal(negotiateEncoding("identity"), undefined);
    assert.equal(negotiateEncoding("gzip, br"), "gzip");
    assert.equal(negotiateEncoding("br"), "br");
    assert.equal(negotiateEncoding("gzip;q=0.5, br"), "br");
    assert.equal(negotiateEncoding("gzip;q=0, br;q=0"), undefined);
    assert.equal(negotiateEncoding("*"), "gzip");
    assert.equal(negotiateEncoding("deflate, gzip, br, zstd"), "gzip");
  });
});
