import type { ConnectRouter } from "@connectrpc/connect";
import type { ShapeLimits } from "../contract/shape.js";
import type { Source, Strategy } from "../contract/wire.js";
import { BankService } from "../gen/bank/v1/bank_pb.js";
import { Health } from "../gen/grpc/health/v1/health_pb.js";
import type { Admission } from "../http/admission.js";
import { honestParseErrorsIn } from "../http/honest-parse-errors.js";
import { strictJsonReadOptions } from "../http/strict-json.js";
import type { HeavyEncoders } from "../strategy/encode-response.js";
import { passthroughJsonOptions } from "../strategy/pre-encoded-json.js";
import { createBankService } from "./bank-service.js";
import { createHealthService, type HealthState } from "./health-service.js";

export interface RoutesOptions extends HeavyEncoders {
  limits: ShapeLimits;
  health: HealthState;
  /** The strategy of a request that names none. Default `inline`. */
  strategy?: Strategy;
  /** The data source of a request that names none. Default `build`. */
  source?: Source;
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
        source: options.source,
        pool: options.pool,
        cache: options.cache,
        sliceMs: options.sliceMs,
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
