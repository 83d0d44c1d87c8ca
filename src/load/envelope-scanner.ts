/** Flag of a Connect streaming end-of-stream message. */
export const connectEndStreamFlag = 0x02;
/** Flag of a gRPC-Web trailer frame. */
export const grpcWebTrailerFlag = 0x80;

/** The largest end-of-stream or trailer frame kept (they are small JSON or header text). */
const maxControlFrameBytes = 64 * 1024;

/** One enveloped frame whose payload was kept. */
export interface Frame {
  flags: number;
  payload: Uint8Array;
}

export interface EnvelopeScannerOptions {
  /**
   * Keep the payload of data frames too (for `--verify`), up to this many
   * bytes in total; 0 keeps only control frames. Default 0.
   */
  keepDataBytes?: number;
}

/**
 * Reads the 5-byte envelope headers (flags, big-endian length) of a gRPC,
 * gRPC-Web or Connect streaming body chunk by chunk, skipping the payloads,
 * so a heavy response can be checked without decoding it. Control frames
 * (flags with {@link connectEndStreamFlag} or {@link grpcWebTrailerFlag})
 * are always kept.
 */
export class EnvelopeScanner {
  /** Data frames seen (whole or partial). */
  dataFrames = 0;
  /** Control and, with `keepDataBytes`, data frames whose payload was kept. */
  readonly frames: Frame[] = [];
  private readonly keepDataBytes: number;
  private keptBytes = 0;
  private readonly header = new Uint8Array(5);
  private headerFill = 0;
  private remaining = 0;
  private flags = 0;
  private current: Uint8Array | undefined;
  private currentFill = 0;

  constructor(options: EnvelopeScannerOptions = {}) {
    this.keepDataBytes = options.keepDataBytes ?? 0;
  }

  /** Feeds the next body chunk. Throws if a frame is malformed or too big to keep. */
  push(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.byteLength) {
      if (this.remaining === 0 && this.current === undefined) {
        const take = Math.min(5 - this.headerFill, chunk.byteLength - offset);
        this.header.set(chunk.subarray(offset, offset + take), this.headerFill);
        this.headerFill += take;
        offset += take;
        if (this.headerFill < 5) {
          return;
        }
        this.headerFill = 0;
        this.startFrame();
        continue;
      }
      const take = Math.min(this.remaining, chunk.byteLength - offset);
      if (this.current !== undefined) {
        this.current.set(chunk.subarray(offset, offset + take), this.currentFill);
        this.currentFill += take;
      }
      offset += take;
      this.remaining -= take;
      if (this.remaining === 0) {
        this.endFrame();
      }
    }
  }

  /** True when the body ended on a frame boundary. */
  get complete(): boolean {
    return this.headerFill === 0 && this.remaining === 0 && this.current === undefined;
  }

  private startFrame(): void {
    const view = new DataView(this.header.buffer);
    this.flags = this.header[0] ?? 0;
    const length = view.getUint32(1);
    const control = (this.flags & (connectEndStreamFlag | grpcWebTrailerFlag)) !== 0;
    if (control) {
      if (length > maxControlFrameBytes) {
        throw new Error(`control frame of ${length} bytes, over ${maxControlFrameBytes}`);
      }
    } else {
      this.dataFrames++;
    }
    const keep =
      control || (this.keepDataBytes > 0 && this.keptBytes + length <= this.keepDataBytes);
    if (!control && this.keepDataBytes > 0 && !keep) {
      throw new Error(`response over the ${this.keepDataBytes}-byte verify limit`);
    }
    if (keep) {
      this.keptBytes += control ? 0 : length;
      this.current = new Uint8Array(length);
      this.currentFill = 0;
    }
    this.remaining = length;
    if (length === 0) {
      this.endFrame();
    }
  }

  private endFrame(): void {
    if (this.current !== undefined) {
      this.frames.push({ flags: this.flags, payload: this.current });
      this.current = undefined;
    }
  }
}
