import { type Code, ConnectError } from "@connectrpc/connect";
import { goCodeName } from "../contract/go-codes.js";
import type { CallOutcome } from "../load/workload.js";

/** Go's gRPC status error text: `rpc error: code = X desc = Y`. */
export function goErrorString(code: Code, message: string): string {
  return `rpc error: code = ${goCodeName(code)} desc = ${message}`;
}

/** Maps a failed call to what ghz would record for it. */
export function outcomeFromError(error: unknown): CallOutcome {
  const connectError = ConnectError.from(error);
  return {
    status: goCodeName(connectError.code),
    error: goErrorString(connectError.code, connectError.rawMessage),
  };
}
