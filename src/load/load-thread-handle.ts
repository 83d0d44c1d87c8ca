import type { Worker } from "node:worker_threads";
import { entryBeside, startWorker } from "../runtime/entry.js";
import type { FromThread, ThreadConfig, ToThread } from "./load-thread.js";

/** The engine's thread entry, compiled or source like this module. */
const loadThreadEntry = entryBeside(import.meta.url, "./load-thread");

/** One worker thread of the engine, with promises for its lifecycle. */
export class LoadThread {
  readonly ready: Promise<void>;
  /** What the thread did to place its connections (heavy thread with a plan), once ready. */
  placement: string | undefined;
  readonly done: Promise<void>;
  private readonly worker: Worker;

  constructor(config: ThreadConfig, onRecords: (m: FromThread & { type: "records" }) => void) {
    this.worker = startWorker(loadThreadEntry, { workerData: config });
    let markReady: () => void = () => {};
    let failReady: (e: Error) => void = () => {};
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    this.done = new Promise<void>((resolve, reject) => {
      const fail = (error: Error) => {
        failReady(error);
        reject(error);
      };
      this.worker.on("message", (message: FromThread) => {
        switch (message.type) {
          case "ready":
            this.placement = message.placement;
            markReady();
            break;
          case "records":
            onRecords(message);
            break;
          case "done":
            resolve();
            break;
          case "failed":
            fail(new Error(`${config.role} thread failed: ${message.message}`));
            break;
        }
      });
      this.worker.once("error", (error) => fail(error));
      this.worker.once("exit", (code) =>
        fail(new Error(`${config.role} thread exited early (code ${code})`)),
      );
    });
    // Whoever awaits `ready` sees a failure; `done` must not be an unhandled rejection meanwhile.
    this.done.catch(() => {});
  }

  send(message: ToThread): void {
    this.worker.postMessage(message);
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}
