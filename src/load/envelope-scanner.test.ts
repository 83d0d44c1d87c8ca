import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { connectEndStreamFlag, EnvelopeScanner, grpcWebTrailerFlag } from "./envelope-scanner.js";

function frame(flags: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.byteLength + 5);
  out[0] = flags;
  new DataView(out.buffer).setUint32(1, payload.byteLength);
  out.set(payload, 5);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

describe("EnvelopeScanner", () => {
  const body = concat(
    frame(0, new Uint8Array(1000).fill(7)),
    frame(0, new Uint8Array(0)),
    frame(0, new Uint8Array(3).fill(1)),
    frame(grpcWebTrailerFlag, new TextEncoder().encode("grpc-status: 0\r\n")),
  );

  for (const chunkSize of [1, 2, 5, 7, 1024, body.byteLength]) {
    it(`counts frames and keeps control frames with ${chunkSize}-byte chunks`, () => {
      const scanner = new EnvelopeScanner();
      for (let i = 0; i < body.byteLength; i += chunkSize) {
        scanner.push(body.subarray(i, i + chunkSize));
      }
      assert.equal(scanner.dataFrames, 3);
      assert.equal(scanner.complete, true);
      assert.equal(scanner.frames.length, 1);
      assert.equal(new TextDecoder().decode(scanner.frames[0]?.payload), "grpc-status: 0\r\n");
    });
  }

  it("keeps data frames when verifying", () => {
    const scanner = new EnvelopeScanner({ keepDataBytes: 10_000 });
    scanner.push(body);
    assert.deepEqual(
      scanner.frames.map((f) => f.payload.byteLength),
      [1000, 0, 3, 16],
    );
  });

  it("reports a body that ends inside a frame", () => {
    const scanner = new EnvelopeScanner();
    scanner.push(body.subarray(0, 600));
    assert.equal(scanner.complete, false);
  });

  it("rejects an oversized control frame", () => {
    const scanner = new EnvelopeScanner();
    const header = new Uint8Array(5);
    header[0] = connectEndStreamFlag;
    new DataView(header.buffer).setUint32(1, 100 * 1024 * 1024);
    assert.throws(() => scanner.push(header), /control frame/);
  });

  it("rejects data over the verify limit", () => {
    const scanner = new EnvelopeScanner({ keepDataBytes: 10 });
    assert.throws(() => scanner.push(body), /verify limit/);
  });
});
