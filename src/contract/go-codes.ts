/**
 * gRPC status codes by the names Go gives them, which ghz writes in its
 * reports and the load engine uses for every call's outcome. Plain module:
 * no imports, shared with the k6 scripts.
 */

/**
 * gRPC code names as Go's `codes.Code.String()` prints them, indexed by code
 * number: what ghz writes in `statusCodeDistribution` and `details[].status`.
 */
export const goCodeNames: readonly string[] = [
  "OK",
  "Canceled",
  "Unknown",
  "InvalidArgument",
  "DeadlineExceeded",
  "NotFound",
  "AlreadyExists",
  "PermissionDenied",
  "ResourceExhausted",
  "FailedPrecondition",
  "Aborted",
  "OutOfRange",
  "Unimplemented",
  "Internal",
  "Unavailable",
  "DataLoss",
  "Unauthenticated",
];

/** The Go name of a gRPC code number; Go prints unknown numbers as `Code(n)`. */
export function goCodeName(code: number): string {
  return goCodeNames[code] ?? `Code(${code})`;
}
