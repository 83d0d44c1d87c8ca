import type { connectNodeAdapter } from "@connectrpc/connect-node";

/** The request handler type Connect's Node adapter produces, for HTTP/1.1 and HTTP/2 alike. */
export type NodeHandler = ReturnType<typeof connectNodeAdapter>;
/** A request of either HTTP version. */
export type AnyRequest = Parameters<NodeHandler>[0];
/** A response of either HTTP version. */
export type AnyResponse = Parameters<NodeHandler>[1];
