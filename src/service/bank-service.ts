import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  type BankService,
  ListClientsResponseSchema,
  StreamClientsResponseSchema,
} from "../gen/bank/v1/bank_pb.js";
import { buildClients } from "../model/client-factory.js";
import { resolvePageSize, resolveShape, type ShapeLimits } from "../model/tree-shape.js";
import { checkDeadline } from "./deadline.js";

export interface BankServiceOptions {
  /** Caps on the request knobs. */
  limits: ShapeLimits;
}

/** The `bank.v1.BankService` implementation. */
export function createBankService(options: BankServiceOptions): ServiceImpl<typeof BankService> {
  const { limits } = options;
  return {
    listClients(request, ctx) {
      const shape = resolveShape(request.shape, limits);
      checkDeadline(ctx);
      const clients = buildClients(shape);
      checkDeadline(ctx);
      return create(ListClientsResponseSchema, { clients });
    },

    async *streamClients(request, ctx) {
      const shape = resolveShape(request.shape, limits);
      const pageSize = resolvePageSize(request.pageSize, limits);
      for (let start = 0; start < shape.count; start += pageSize) {
        checkDeadline(ctx);
        yield create(StreamClientsResponseSchema, {
          clients: buildClients(shape, start, start + pageSize),
        });
      }
    },

    live() {
      return { pid: process.pid };
    },
  };
}
