import type { JsonWriteOptions } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import { BankService } from "../gen/bank/v1/bank_pb.js";
import { Health } from "../gen/grpc/health/v1/health_pb.js";
import type { ShapeLimits } from "../model/tree-shape.js";
import type { EncodePool } from "../strategy/encode-pool.js";
import { createPassthroughTextEncoder } from "../strategy/pre-encoded-json.js";
import type { Strategy } from "../strategy/strategy.js";
import { createBankService } from "./bank-service.js";
import { createHealthService, type HealthState } from "./health-service.js";

export interface RoutesOptions {
  limits: ShapeLimits;
  health: HealthState;
  /** The strategy of a request that names none. Default `inline`. */
  strategy?: Strategy;
  /** The pool that serves `offload` requests. */
  pool: EncodePool;
}

/**
 * Lets an offloaded ListClients hand its pre-encoded JSON to the router.
 * Connect's JSON serialization (`createJsonSerialization` in
 * `@connectrpc/connect/protocol`) honours `textEncoder`, though the router's
 * option type does not list it; the offload tests would catch a change.
 */
const passthroughJsonOptions: Partial<JsonWriteOptions> & {
  textEncoder: ReturnType<typeof createPassthroughTextEncoder>;
} = { textEncoder: createPassthroughTextEncoder() };

/** Registers every RPC service the server exposes. */
export function createRoutes(options: RoutesOptions): (router: ConnectRouter) => void {
  return (router) => {
    router.service(
      BankService,
      createBankService({ limits: options.limits, strategy: options.strategy, pool: options.pool }),
      { jsonOptions: passthroughJsonOptions },
    );
    router.service(Health, createHealthService(options.health));
  };
}
