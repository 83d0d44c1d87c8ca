import { Counter, type Registry } from "prom-client";
import type { AnyRequest, AnyResponse } from "../http/node-types.js";
import { splitRequestUrl } from "../http/request-url.js";
import { requestFormat, routeLabel } from "./request-labels.js";
import { watchOutcome } from "./request-outcome.js";

/**
 * Registers `loopstall_requests_total{route, format, code}` in `registry` and
 * returns a hook that counts one request once its response has been sent (or
 * its stream closed). `code` is the protocol's own outcome (see
 * {@link watchOutcome}): the Connect/gRPC code name (`ok`,
 * `invalid_argument`, ...) for RPCs, whatever their protocol, and the HTTP
 * status (`200`, `404`) for REST and other paths, so a gRPC error answered
 * with HTTP 200 still counts as an error.
 */
export function registerRequestMetrics(
  registry: Registry,
): (req: AnyRequest, res: AnyResponse) => void {
  const requests = new Counter({
    name: "loopstall_requests_total",
    help: "Requests answered, by route (RPC method or REST path), wire format and outcome: the RPC code (ok, invalid_argument, ...) or, for REST, the HTTP status.",
    labelNames: ["route", "format", "code"] as const,
    registers: [registry],
  });
  return (req, res) => {
    const { path, query } = splitRequestUrl(req.url);
    const contentType = req.headers["content-type"];
    const labels = {
      route: routeLabel(path),
      format: requestFormat(path, contentType, query),
    };
    const streaming = (contentType ?? "").toLowerCase().startsWith("application/connect+");
    const outcome = watchOutcome(res, labels.format, streaming);
    // "close" fires for finished and aborted responses alike (after "finish").
    res.once("close", () => {
      requests.inc({ ...labels, code: outcome() });
    });
  };
}
