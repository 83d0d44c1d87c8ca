import { createEcmaScriptPlugin } from "@bufbuild/protoplugin";
import { packageVersion } from "../runtime/package-version.js";
import { generateTs } from "./generate-codec.js";

/**
 * protoc-gen-loopstall-codec: a buf/protoc plugin that writes, next to
 * protoc-gen-es' `<name>_pb.ts`, a `<name>_codec.ts` with a specialized
 * binary and JSON encoder for every message (see generate-codec.ts). It
 * emits TypeScript only (`opt: target=ts`) with ES module imports.
 */
export const codecPlugin = createEcmaScriptPlugin({
  name: "protoc-gen-loopstall-codec",
  version: `v${packageVersion}`,
  generateTs,
});
