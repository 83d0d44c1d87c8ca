import { BankService } from "../gen/bank/v1/bank_pb.js";
import { Health } from "../gen/grpc/health/v1/health_pb.js";

/** The wire format of a request, as counted in `loopstall_requests_total{format}`. */
export type RequestFormat =
  | "connect-proto"
  | "connect-json"
  | "grpc"
  | "grpc-web"
  | "rest-json"
  | "other";

/** The plain REST paths (see `rest-routes.ts`) plus `/metrics`. */
const restPaths = new Set(["/v1/clients", "/.well-known/live"]);

/**
 * Every path that gets its own `route` label: the REST paths, `/metrics` and
 * each RPC method (`/bank.v1.BankService/ListClients`). Anything else is
 * counted as `other`, so a client can't grow the label set.
 */
const knownRoutes: ReadonlySet<string> = new Set([
  ...restPaths,
  "/metrics",
  ...[BankService, Health].flatMap((service) =>
    service.methods.map((method) => `/${service.typeName}/${method.name}`),
  ),
]);

/** The `route` label of a request path (without its query string). */
export function routeLabel(path: string): string {
  return knownRoutes.has(path) ? path : "other";
}

/**
 * The wire format of a request, from its content type and, for Connect GET
 * requests (which have no body and so no content type), the `encoding` query
 * parameter. `application/grpc-web*` must be tested before `application/grpc*`.
 */
export function requestFormat(
  path: string,
  contentType: string | undefined,
  query: string,
): RequestFormat {
  if (restPaths.has(path)) {
    return "rest-json";
  }
  const type = (contentType ?? "").toLowerCase();
  if (type.startsWith("application/grpc-web")) {
    return "grpc-web";
  }
  if (type.startsWith("application/grpc")) {
    return "grpc";
  }
  if (type.startsWith("application/connect+proto") || type.startsWith("application/proto")) {
    return "connect-proto";
  }
  if (type.startsWith("application/connect+json") || type.startsWith("application/json")) {
    return "connect-json";
  }
  if (type === "") {
    const encoding = new URLSearchParams(query).get("encoding");
    if (encoding === "json") {
      return "connect-json";
    }
    if (encoding === "proto") {
      return "connect-proto";
    }
  }
  return "other";
}
