/**
 * Import rules for src/, checked by `npx depcruise src test --validate` in
 * `npm run lint` (and so in `npm test` and CI). The layers, lowest first:
 *
 *   contract                 names and shapes shared with the k6 scripts: imports nothing
 *   runtime                  entry points, cores, process trees: imports nothing of ours
 *   model ← service/strategy ← server        the service, built upward
 *   load ← ghz/experiment/bench              the measurement kit, built upward
 *
 * gen (generated code) and http (HTTP plumbing) sit beside contract; tests
 * may import anything, production code never imports tests or dev tools.
 * src/peers (the peer servers of bench:peers: grpc-js, fastify, bare
 * connect-node, raw Node) sits outside the layers: built from the model and
 * the service like the server, allowed dev dependencies, imported by nothing.
 */
const tests = "\\.test\\.ts$";
const layers = {
  service: "^src/(model|service|strategy|server|metrics|http)/",
  measurement: "^src/(load|ghz|experiment|bench|launcher)/",
};

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "contract-imports-nothing",
      comment:
        "src/contract is imported by the k6 scripts as it is, so it may import only itself: no packages, no Node APIs, no other layer.",
      severity: "error",
      from: { path: "^src/contract/", pathNot: tests },
      to: { pathNot: "^src/contract/" },
    },
    {
      name: "runtime-imports-no-layer",
      comment:
        "src/runtime is below every layer: it may use Node, not the project's other folders.",
      severity: "error",
      from: { path: "^src/runtime/" },
      to: { path: "^src/", pathNot: "^src/runtime/" },
    },
    {
      name: "model-below-service",
      comment: "The model builds the tree; it knows nothing of how it is served or measured.",
      severity: "error",
      from: { path: "^src/model/", pathNot: tests },
      to: { path: "^src/(service|strategy|server|cluster|metrics|http)/" },
    },
    {
      name: "service-and-strategy-below-server",
      comment: "Services and strategies are wired by the server, never the other way round.",
      severity: "error",
      from: { path: "^src/(service|strategy)/", pathNot: tests },
      to: { path: "^src/(server|cluster|metrics)/" },
    },
    {
      name: "metrics-below-server",
      comment: "The server records metrics; metrics do not reach into the server.",
      severity: "error",
      from: { path: "^src/metrics/", pathNot: tests },
      to: { path: "^src/(server|service|strategy|cluster)/" },
    },
    {
      name: "http-below-server",
      comment:
        "HTTP plumbing is shared by server, strategies and metrics, so it imports none of them.",
      severity: "error",
      from: { path: "^src/http/", pathNot: tests },
      to: { path: "^src/", pathNot: "^src/(http|contract)/" },
    },
    {
      name: "load-below-its-tools",
      comment:
        "The load engine is the base of ghz, the experiment and the bench: it imports none of them, nor the server's internals.",
      severity: "error",
      from: { path: "^src/load/", pathNot: tests },
      to: {
        path: "^src/(ghz|experiment|bench|launcher|server|service|strategy|model|cluster|metrics|http)/",
      },
    },
    {
      name: "measurement-is-a-client",
      comment:
        "The measurement kit talks to a server over the wire; it does not import the server's code (the launcher starts it by path). bench:encode is the exception: it times the encoders themselves, in process, on the model's tree.",
      severity: "error",
      from: { path: layers.measurement, pathNot: [tests, "^src/bench/encode-bench\\.ts$"] },
      to: { path: layers.service },
    },
    {
      name: "service-does-not-measure",
      comment: "The service never depends on the measurement kit.",
      severity: "error",
      from: { path: layers.service, pathNot: tests },
      to: { path: layers.measurement },
    },
    {
      name: "no-tests-in-production",
      comment: "Production code never imports tests or test support.",
      severity: "error",
      from: { path: "^src/", pathNot: tests },
      to: { path: [tests, "^test/"] },
    },
    {
      name: "no-dev-dependencies-in-production",
      comment:
        "dist/ runs with production dependencies only (tsx, for one, is a devDependency). src/peers is the exception: the servers `npm run bench:peers` compares loopstall with (grpc-js, fastify) are dev tools, started by path, never imported by the service. So is src/bench/encode-peers.ts, the protobufjs side of `npm run bench:encode`.",
      severity: "error",
      from: { path: "^src/", pathNot: [tests, "^src/peers/", "^src/bench/encode-peers\\.ts$"] },
      to: { dependencyTypes: ["npm-dev"] },
    },
    {
      name: "nothing-imports-the-peers",
      comment:
        "src/peers holds bench:peers' peer servers; the bench starts them by path, and nothing imports them.",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/peers/", tests] },
      to: { path: "^src/peers/" },
    },
    {
      name: "no-circular",
      comment: "Import cycles make the layers meaningless.",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^src/gen/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
    },
  },
};
