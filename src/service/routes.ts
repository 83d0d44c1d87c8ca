import type { ConnectRouter } from "@connectrpc/connect";
import { BankService } from "../gen/bank/v1/bank_pb.js";
import { Health } from "../gen/grpc/health/v1/health_pb.js";
import type { ShapeLimits } from "../model/tree-shape.js";
import { createBankService } from "./bank-service.js";
import { createHealthService, type HealthState } from "./health-service.js";

export interface RoutesOptions {
  limits: ShapeLimits;
  health: HealthState;
}

/** Registers every RPC service the server exposes. */
export function createRoutes(options: RoutesOptions): (router: ConnectRouter) => void {
  return (router) => {
    router.service(BankService, createBankService({ limits: options.limits }));
    router.service(Health, createHealthService(options.health));
  };
}
