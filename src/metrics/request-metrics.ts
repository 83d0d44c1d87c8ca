import { Counter, type Registry } from "prom-client";
import type { AnyRequest, AnyResponse } from "../http/node-types.js";
import { splitRequestUrl } from "../http/request-url.js";
import { requestFormat, routeLabel, statusClass } from "./request-labels.js";

/**
 * Registers `loopstall_requests_total{route, format, code}` in `registry` and
 * returns a hook that counts one request once its response has been sent (or
 * its stream closed). `code` is the HTTP status class: gRPC and gRPC-Web
 * answer errors with HTTP 200 and a `grpc-status` trailer, so their failures
 * count as `2xx`.
 */
export function registerRequestMetrics(
  registry: Registry,
): (req: AnyRequest, res: AnyResponse) => void {
  const requests = new Counter({
    name: "loopstall_requests_total",
    help: "Requests answered, by route (RPC method or REST path), wire format and HTTP status class.",
    labelNames: ["route", "format", "code"] as const,
    registers: [registry],
  });
  return (req, res) => {
    const { path, query } = splitRequestUrl(req.url);
    const labels = {
      route: routeLabel(path),
      format: requestFormat(path, req.headers["content-type"], query),
    };
    // "close" fires for finished and aborted responses alike (after "finish").
    res.once("close", () => {
      requests.inc({ ...labels, code: statusClass(res.statusCode) });
    });
  };
}
