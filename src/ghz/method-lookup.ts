import type { DescMethod, DescService, MessageShape } from "@bufbuild/protobuf";
import { BankService } from "../gen/bank/v1/bank_pb.js";
import { Health } from "../gen/grpc/health/v1/health_pb.js";
import { messagesFromJson } from "../load/json-messages.js";

/** The services compiled into loopstall, which `--call` may name. */
export const knownServices: readonly DescService[] = [BankService, Health];

/**
 * Resolves ghz's `--call` (`pkg.Service.Method` or `pkg.Service/Method`)
 * against the compiled-in services. Throws an error that lists the methods
 * that exist.
 */
export function findMethod(call: string): DescMethod {
  const trimmed = call.trim();
  const cut = trimmed.includes("/") ? trimmed.lastIndexOf("/") : trimmed.lastIndexOf(".");
  const serviceName = trimmed.slice(0, Math.max(cut, 0));
  const methodName = trimmed.slice(cut + 1);
  const service = knownServices.find((s) => s.typeName === serviceName);
  const method = service?.methods.find((m) => m.name === methodName);
  if (!method) {
    const all = knownServices.flatMap((s) => s.methods.map((m) => `${s.typeName}.${m.name}`));
    throw new Error(
      `call "${call}" is not a method of the compiled-in services; use one of: ${all.join(", ")}`,
    );
  }
  if (method.methodKind !== "unary" && method.methodKind !== "server_streaming") {
    throw new Error(`call "${call}": only unary and server-streaming methods are supported`);
  }
  return method;
}

/**
 * Parses ghz's request data (an object, or an array of objects used
 * round-robin; none = an empty message) against the method's input type.
 * Throws a clear error naming the bad field.
 */
export function parseRequests(
  method: DescMethod,
  data: unknown,
): Array<MessageShape<DescMethod["input"]>> {
  return messagesFromJson(method, data === undefined ? {} : data, "data");
}
