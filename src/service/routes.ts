import type { ConnectRouter } from "@connectrpc/connect";
import type { ShapeLimits } from "../contract/shape.js";
import type { Strategy } from "../contract/wire.js";
import { BankService } from "../gen/bank/v1/bank_pb.js";
import { Health } from "../gen/grpc/health/v1/health_pb.js";
import type { Admission } from "../http/admission.js";
import { honestParseErrorsIn } from "../http/honest-parse-errors.js";
import { strictJsonReadOptions } from "../http/strict-json.js";
import type { EncodePool } from "../strategy/encode-pool.js";
import { passthroughJsonOptions } from "../strategy/pre-encoded-json.js";
import { createBankService } from "./bank-service.js";
import { createHealthService, type HealthState } from "./health-service.js";

export interface RoutesOptions {
  limits: ShapeLimits;
  health: HealthState;
  /** The strategy of a request that names none. Default `inline`. */
  strategy?: Strategy;
  /** The pool that serves `offload` requests. */
  pool: EncodePool;
  /** Bounds the heavy responses in progress. */
  admission?: Admission;
}

/** Registers every RPC service the server exposes. */
export function createRoutes(options: RoutesOptions): (router: ConnectRouter) => void {
  return (router) => {
    router.service(
      BankService,
      createBankService({
        limits: options.limits,
        strategy: options.strategy,
        pool: options.pool,
        admission: options.admission,
      }),
      { jsonOptions: { ...passthroughJsonOptions, ...strictJsonReadOptions } },
    );
    router.service(Health, createHealthService(options.health), {
      jsonOptions: strictJsonReadOptions,
    });
    honestParseErrorsIn(router.handlers);
  };
}
