/**
 * The flags that point `loopstall load` at a user's own service instead of
 * loopstall's BankService: where its schema is, which protocol it speaks,
 * the heavy call and the probe (an RPC or an HTTP GET path), and the JSON
 * data of each call.
 */
import { open } from "node:fs/promises";
import { type Command, Option } from "commander";
import { type CallSpec, httpGetSpec } from "./call-spec.js";
import { type RpcProtocol, rpcCallSpec, rpcProtocols } from "./grpc-spec.js";
import { findServiceMethod, loadSchema, parseMessages } from "./schema-source.js";

/** The flags {@link addServiceFlags} defines, as commander parses them. */
export interface ServiceFlags {
  proto?: string;
  protoset?: string;
  importPaths?: string[];
  protocol: RpcProtocol;
  heavyCall?: string;
  heavyData?: string;
  probeCall?: string;
  probeData?: string;
  probePath?: string;
}

/** Largest `@file` of request data. */
const maxDataBytes = 16 * 1024 * 1024;
/** Longest `--probe-path`. */
const maxPathLength = 2_048;

/** Adds the own-service flags to `load`. */
export function addServiceFlags(command: Command): Command {
  return command
    .addOption(new Option("--proto <file>", "your service's .proto (compiled with buf, offline)"))
    .addOption(
      new Option(
        "--protoset <file>",
        "your service's FileDescriptorSet with imports (buf build -o, protoc -o --include_imports)",
      ),
    )
    .addOption(
      new Option("-i, --import-paths <dirs>", "comma-separated import paths of --proto").argParser(
        (value: string) =>
          value
            .split(",")
            .map((s) => s.trim())
            .filter((s) => s !== ""),
      ),
    )
    .addOption(
      new Option("--protocol <protocol>", "protocol of --heavy-call and --probe-call")
        .choices(rpcProtocols)
        .default("grpc"),
    )
    .addOption(
      new Option("--heavy-call <method>", "your heavy method, pkg.Service/Method (needs --proto)"),
    )
    .addOption(
      new Option(
        "--heavy-data <json>",
        "the heavy request as JSON (an array: round robin; @file reads a file)",
      ),
    )
    .addOption(
      new Option("--probe-call <method>", "your cheap method to probe, pkg.Service/Method"),
    )
    .addOption(new Option("--probe-data <json>", "the probe request as JSON (@file reads a file)"))
    .addOption(
      new Option(
        "--probe-path <path>",
        "probe with HTTP/1.1 GET of this path instead, e.g. /healthz",
      ),
    );
}

/**
 * The probe and heavy call specs the flags describe (none: loopstall's own
 * BankService calls). Throws one clear sentence for a combination that
 * cannot mean what the user wants.
 */
export async function specsFromServiceFlags(
  command: Command,
  flags: ServiceFlags,
  timeouts: { probeMs: number; heavyMs: number },
): Promise<{ probeSpec?: CallSpec; heavySpec?: CallSpec }> {
  const given = (name: string) => {
    const source = command.getOptionValueSource(name);
    return source !== undefined && source !== "default";
  };
  const schemaGiven = flags.proto !== undefined || flags.protoset !== undefined;
  if (flags.proto !== undefined && flags.protoset !== undefined) {
    throw new Error("give --proto or --protoset, not both");
  }
  if (flags.probeCall !== undefined && flags.probePath !== undefined) {
    throw new Error("give --probe-call or --probe-path, not both");
  }
  if ((flags.heavyCall !== undefined || flags.probeCall !== undefined) && !schemaGiven) {
    throw new Error("--heavy-call and --probe-call need your schema: add --proto or --protoset");
  }
  if (schemaGiven && flags.heavyCall === undefined && flags.probeCall === undefined) {
    throw new Error(
      "--proto/--protoset name your schema; add --heavy-call (and --probe-call or --probe-path)",
    );
  }
  if (flags.importPaths !== undefined && flags.proto === undefined) {
    throw new Error("--import-paths go with --proto");
  }
  if (flags.heavyData !== undefined && flags.heavyCall === undefined) {
    throw new Error("--heavy-data is the request of --heavy-call; add --heavy-call");
  }
  if (flags.probeData !== undefined && flags.probeCall === undefined) {
    throw new Error("--probe-data is the request of --probe-call; add --probe-call");
  }
  if (flags.heavyCall !== undefined) {
    if (flags.probeCall === undefined && flags.probePath === undefined) {
      throw new Error(
        "with --heavy-call, say how to probe your service: --probe-call pkg.Service/Method or --probe-path /healthz",
      );
    }
    for (const name of [
      "format",
      "strategy",
      "count",
      "accountsPerClient",
      "filledStrings",
      "verify",
    ]) {
      if (given(name)) {
        throw new Error(
          `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} shapes BankService's heavy call; it does not apply with --heavy-call`,
        );
      }
    }
  }
  if ((flags.probeCall !== undefined || flags.probePath !== undefined) && given("probeTarget")) {
    throw new Error(
      "--probe-target picks BankService's probe; it does not apply with --probe-call or --probe-path",
    );
  }
  if (given("protocol") && flags.heavyCall === undefined && flags.probeCall === undefined) {
    throw new Error("--protocol is the protocol of --heavy-call and --probe-call; add one");
  }
  const out: { probeSpec?: CallSpec; heavySpec?: CallSpec } = {};
  if (flags.probePath !== undefined) {
    if (
      !flags.probePath.startsWith("/") ||
      flags.probePath.length > maxPathLength ||
      /\s/.test(flags.probePath)
    ) {
      throw new Error(
        `--probe-path must be a path starting with / (at most ${maxPathLength} characters, no spaces), got "${flags.probePath.slice(0, 80)}"`,
      );
    }
    out.probeSpec = httpGetSpec(flags.probePath);
  }
  if (!schemaGiven) {
    return out;
  }
  const registry = await loadSchema({
    ...(flags.proto !== undefined && { proto: flags.proto }),
    ...(flags.protoset !== undefined && { protoset: flags.protoset }),
    ...(flags.importPaths !== undefined && { importPaths: flags.importPaths }),
  });
  const spec = async (call: string, data: string | undefined, flag: string, deadlineMs: number) => {
    const method = findServiceMethod(registry, call);
    const messages = parseMessages(method, await readData(data, flag), flag);
    return rpcCallSpec(flags.protocol, method, messages, { deadlineMs });
  };
  if (flags.heavyCall !== undefined) {
    out.heavySpec = await spec(flags.heavyCall, flags.heavyData, "--heavy-data", timeouts.heavyMs);
  }
  if (flags.probeCall !== undefined) {
    out.probeSpec = await spec(flags.probeCall, flags.probeData, "--probe-data", timeouts.probeMs);
  }
  return out;
}

/** The data text, or the contents of `@file`. */
async function readData(data: string | undefined, flag: string): Promise<string | undefined> {
  if (data === undefined || !data.startsWith("@")) {
    return data;
  }
  const path = data.slice(1);
  const handle = await open(path, "r").catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${flag}: cannot read ${path}: ${error.code ?? error.message}`);
  });
  try {
    const { size } = await handle.stat();
    if (size > maxDataBytes) {
      throw new Error(`${flag}: ${path} is ${size} bytes, over the ${maxDataBytes}-byte limit`);
    }
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
}
