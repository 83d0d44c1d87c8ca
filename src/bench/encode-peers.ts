/**
 * The protobufjs side of `npm run bench:encode`, used as its users run it:
 * the same .proto loaded at run time with `protobuf.loadSync` (protobufjs
 * then generates a type-specific encoder per message on first use), messages
 * made with `fromObject`, binary with `encode(...).finish()`, JSON with
 * `JSON.stringify(toObject(message, util.toJSONOptions))` (what
 * `message.toJSON()` does). protobufjs is a devDependency: only this bench
 * imports it.
 */
import protobuf from "protobufjs";

export interface ProtobufjsListClients {
  /** `fromObject` of the response's plain object: protobufjs messages. */
  fromObject(plain: object): object;
  /** Binary of a message or of a plain object with the same fields. */
  encode(message: object): Uint8Array;
  /** JSON text of a message or of a plain object. */
  toJsonString(message: object): string;
}

export function loadProtobufjs(protoPath: string): ProtobufjsListClients {
  const root = protobuf.loadSync(protoPath);
  const type = root.lookupType("bank.v1.ListClientsResponse");
  return {
    fromObject: (plain) => type.fromObject(plain),
    encode: (message) => type.encode(message).finish(),
    toJsonString: (message) =>
      JSON.stringify(type.toObject(message as protobuf.Message, protobuf.util.toJSONOptions)),
  };
}
