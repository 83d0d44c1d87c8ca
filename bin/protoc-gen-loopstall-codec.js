#!/usr/bin/env node
// protoc-gen-loopstall-codec: the buf/protoc plugin that generates a
// specialized binary and JSON codec per message (src/codegen). It runs the
// compiled plugin in dist/ (`npm run generate` compiles it first).
import { runNodeJs } from "@bufbuild/protoplugin";

const { codecPlugin } = await import("../dist/codegen/codec-plugin.js");
runNodeJs(codecPlugin);
