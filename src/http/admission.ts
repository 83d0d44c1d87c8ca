import { Code, ConnectError } from "@connectrpc/connect";
import type { AnyResponse } from "./node-types.js";

/** The bounds of {@link Admission}, per process. */
export interface AdmissionOptions {
  /**
   * Heavy responses (inline builds, offload tasks, streams) that may be in
   * progress at once, from admission until their last byte is handed to the
   * socket. Default 8 (`--max-heavy`, `MAX_HEAVY`).
   */
  maxHeavy: number;
  /**
   * Estimated response bytes that admitted heavy responses may hold before
   * they are written to their sockets; a slow reader holds its share until
   * it has read the response. One response is always admitted when nothing
   * else is held. Default 256 MiB (`--max-pending-bytes`, `MAX_PENDING_BYTES`).
   */
  maxPendingBytes: number;
  /**
   * A heavy response not completely handed to its socket this long after
   * admission is cut, so a client that stops reading cannot pin memory.
   * Default 60,000 ms (`--write-timeout-ms`, `WRITE_TIMEOUT_MS`).
   */
  writeTimeoutMs: number;
}

export const defaultAdmissionOptions: AdmissionOptions = {
  maxHeavy: 8,
  maxPendingBytes: 256 * 2 ** 20,
  writeTimeoutMs: 60_000,
};

/**
 * Admission control for heavy responses. A request beyond either bound is
 * refused at once with `resource_exhausted`, before anything is built, so
 * a flood queues neither CPU nor memory. An admitted response holds its
 * slot and its bytes until its response finishes or closes.
 */
export class Admission {
  readonly options: AdmissionOptions;
  #heavy = 0;
  #pendingBytes = 0;
  #shed = 0;
  #cut = 0;
  #admitted = 0;
  #departed = 0;

  constructor(options: Partial<AdmissionOptions> = {}) {
    this.options = { ...defaultAdmissionOptions, ...options };
  }

  /** Heavy responses in progress. */
  get heavy(): number {
    return this.#heavy;
  }

  /** Estimated bytes held by admitted responses. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** Requests refused so far. */
  get shed(): number {
    return this.#shed;
  }

  /** Responses cut by the write deadline so far. */
  get cut(): number {
    return this.#cut;
  }

  /** Heavy responses admitted so far. */
  get admitted(): number {
    return this.#admitted;
  }

  /** Heavy requests dropped, before or after building, because the client had gone. */
  get departed(): number {
    return this.#departed;
  }

  /** Counts a heavy request dropped because its client had gone. */
  noteDeparted(): void {
    this.#departed++;
  }

  /**
   * Admits one heavy response of about `bytes` bytes for `res`, or throws
   * `resource_exhausted` naming the bound. The slot is released when `res`
   * finishes or closes; at the write deadline `res` is destroyed.
   */
  admit(res: AnyResponse, bytes: number): void {
    const { maxHeavy, maxPendingBytes, writeTimeoutMs } = this.options;
    if (this.#heavy >= maxHeavy) {
      this.#shed++;
      throw new ConnectError(
        `the server is busy: ${this.#heavy} heavy responses in progress, the most it takes (--max-heavy); retry later`,
        Code.ResourceExhausted,
      );
    }
    if (this.#pendingBytes > 0 && this.#pendingBytes + bytes > maxPendingBytes) {
      this.#shed++;
      throw new ConnectError(
        `the server is busy: ${this.#pendingBytes} response bytes not yet written, and ${bytes} more would pass ${maxPendingBytes} (--max-pending-bytes); retry later`,
        Code.ResourceExhausted,
      );
    }
    this.#heavy++;
    this.#admitted++;
    this.#pendingBytes += bytes;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      this.#heavy--;
      this.#pendingBytes -= bytes;
      res.off("finish", release);
      res.off("close", release);
    };
    const timer = setTimeout(() => {
      this.#cut++;
      res.destroy();
      release();
    }, writeTimeoutMs);
    timer.unref();
    res.once("finish", release);
    res.once("close", release);
  }
}
