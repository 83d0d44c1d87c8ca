import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { BankService } from "../gen/bank/v1/bank_pb.js";
import {
  type Health,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../gen/grpc/health/v1/health_pb.js";

/** Whether the process is serving; flips to false when shutdown begins. */
export interface HealthState {
  serving: boolean;
}

/**
 * `grpc.health.v1.Health/Check`. The empty service name means the whole
 * server; `bank.v1.BankService` is known too; anything else is `not_found`,
 * as the health protocol specifies.
 */
export function createHealthService(state: HealthState): ServiceImpl<typeof Health> {
  return {
    check(request) {
      if (request.service !== "" && request.service !== BankService.typeName) {
        throw new ConnectError(`unknown service ${request.service}`, Code.NotFound);
      }
      return { status: state.serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING };
    },
  };
}
