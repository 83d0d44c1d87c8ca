import { AsyncLocalStorage } from "node:async_hooks";

/**
 * An `AsyncLocalStorage` that requests enter, switched off while no request
 * holds it. An enabled `AsyncLocalStorage` installs promise hooks that make
 * every promise in the process dearer (about a tenth of a light request's
 * CPU), so a storage that only some requests need is enabled only while one
 * of them runs; `run` enables it again.
 */
export class RequestStorage<T> {
  readonly #storage = new AsyncLocalStorage<T>();
  #open = 0;

  /** The current request's value, or undefined outside {@link wrap}. */
  get(): T | undefined {
    return this.#storage.getStore();
  }

  /** Runs `fn` with `value` as the current one (outside any request's lifetime). */
  run<R>(value: T, fn: () => R): R {
    return this.#storage.run(value, fn);
  }

  /** Switches the storage off if no request holds it. */
  releaseIfIdle(): void {
    if (this.#open === 0) {
      this.#storage.disable();
    }
  }

  /**
   * Wraps a Node request handler so each request runs with `value(req, res)`
   * as the current value, held until its response closes.
   */
  wrap<Req, Res extends { once(event: "close", listener: () => void): unknown }>(
    handler: (req: Req, res: Res) => void,
    value: (req: Req, res: Res) => T,
  ): (req: Req, res: Res) => void {
    return (req, res) => {
      this.#open += 1;
      res.once("close", () => {
        this.#open -= 1;
        this.releaseIfIdle();
      });
      this.#storage.run(value(req, res), () => handler(req, res));
    };
  }
}
