import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { endStreamFlag, endStreamToJson } from "@connectrpc/connect/protocol-connect";
import { trailerFlag, trailerSerialize } from "@connectrpc/connect/protocol-grpc-web";
import { envelope, utf8 } from "../../src/contract/scenario.ts";
import { decodeUtf8, hasLateStatus, lateStatus, parseTrailer, scanFrames } from "./late-status.ts";

/** Frames back to back, as a response body. */
const body = (...frames: Uint8Array[]) => {
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
};
const data = (n: number) => envelope(new Uint8Array(n).fill(7));
/** A gRPC-Web trailer frame, serialized by connect-es as the server does. */
const trailer = (fields: Record<string, string>) =>
  envelope(trailerSerialize(new Headers(fields)), trailerFlag);
/** A Connect end-of-stream frame, serialized by connect-es as the server does. */
const endStream = (error?: ConnectError) =>
  envelope(utf8(JSON.stringify(endStreamToJson(new Headers(), error, undefined))), endStreamFlag);

describe("late status: which calls have it", () => {
  it("is every gRPC-Web call and the Connect streams", () => {
    assert.equal(hasLateStatus("grpc-web", "inline"), true);
    assert.equal(hasLateStatus("grpc-web", "stream"), true);
    assert.equal(hasLateStatus("connect-proto", "stream"), true);
    assert.equal(hasLateStatus("connect-json", "stream"), true);
    assert.equal(hasLateStatus("connect-proto", "inline"), false);
    assert.equal(hasLateStatus("connect-json", "offload"), false);
    assert.equal(hasLateStatus("rest-json", "stream"), false);
    assert.equal(hasLateStatus("grpc", "stream"), false);
  });
});

describe("late status: gRPC-Web", () => {
  it("is ok with grpc-status 0 in the trailer frame after the data", () => {
    const r = lateStatus("grpc-web", 200, {}, body(data(1000), trailer({ "grpc-status": "0" })));
    assert.deepEqual(r, { ok: true });
  });

  it("fails on a late error in the trailer frame, despite HTTP 200", () => {
    const r = lateStatus(
      "grpc-web",
      200,
      {},
      body(data(1000), trailer({ "grpc-status": "4", "grpc-message": "deadline%20exceeded" })),
    );
    assert.deepEqual(r, { ok: false, code: "grpc-status 4", message: "deadline exceeded" });
  });

  it("reads a trailers-only error from the headers (k6 canonical case)", () => {
    assert.deepEqual(lateStatus("grpc-web", 200, { "Grpc-Status": "8" }, new Uint8Array(0)), {
      ok: false,
      code: "grpc-status 8",
    });
    assert.deepEqual(lateStatus("grpc-web", 200, { "Grpc-Status": "0" }, null), { ok: true });
  });

  it("fails without any grpc-status, on a cut body, and on an HTTP error", () => {
    assert.equal(lateStatus("grpc-web", 200, {}, body(data(10))).message, "missing grpc-status");
    const cut = body(data(1000), trailer({ "grpc-status": "0" })).subarray(0, 600);
    assert.deepEqual(lateStatus("grpc-web", 200, {}, cut), {
      ok: false,
      code: "Internal",
      message: "response ended inside a frame",
    });
    assert.deepEqual(lateStatus("grpc-web", 503, {}, null), { ok: false, code: "HTTP 503" });
  });
});

describe("late status: Connect streams", () => {
  it("is ok with an empty end-of-stream message after the pages", () => {
    const r = lateStatus("connect-proto", 200, {}, body(data(500), data(500), endStream()));
    assert.deepEqual(r, { ok: true });
  });

  it("fails on an error in the end-of-stream message, despite HTTP 200", () => {
    const error = new ConnectError("serializer ran out of time", Code.DeadlineExceeded);
    const r = lateStatus("connect-json", 200, {}, body(data(500), endStream(error)));
    assert.deepEqual(r, {
      ok: false,
      code: "deadline_exceeded",
      message: "serializer ran out of time",
    });
  });

  it("fails when the stream ends without its end-of-stream message, or inside a frame", () => {
    assert.equal(
      lateStatus("connect-proto", 200, {}, body(data(500))).message,
      "stream ended without an end-of-stream message",
    );
    assert.equal(
      lateStatus("connect-proto", 200, {}, body(data(500)).subarray(0, 3)).message,
      "response ended inside a frame",
    );
    const notJson = envelope(utf8("{oops"), endStreamFlag);
    assert.equal(
      lateStatus("connect-proto", 200, {}, notJson).message,
      "end-of-stream message is not JSON",
    );
  });
});

describe("late status: helpers", () => {
  it("keeps control frames only, and reads lengths over 16 MiB", () => {
    const big = new Uint8Array(5);
    big.set([0, 0x01, 0x00, 0x00, 0x00]);
    // A 16 MiB frame header with no payload: cut.
    assert.equal(scanFrames(big), undefined);
    const frames = scanFrames(body(data(3), trailer({ "grpc-status": "0" })));
    assert.equal(frames?.length, 2);
    assert.equal(frames?.[0]?.payload.length, 0);
    assert.ok((frames?.[1]?.payload.length ?? 0) > 0);
  });

  it("parses trailer text case-insensitively", () => {
    assert.deepEqual(parseTrailer("Grpc-Status: 0\r\ngrpc-message:ok\r\n"), {
      "grpc-status": "0",
      "grpc-message": "ok",
    });
  });

  it("decodes UTF-8 like TextDecoder, bad bytes included", () => {
    const texts = ["plain", "déjà vu", "€ 100", "😀 emoji", ""];
    for (const text of texts) {
      assert.equal(decodeUtf8(new TextEncoder().encode(text)), text);
    }
    const bad = Uint8Array.from([0x61, 0xff, 0x62, 0xe2, 0x82]);
    assert.equal(decodeUtf8(bad), new TextDecoder().decode(bad));
  });
});
