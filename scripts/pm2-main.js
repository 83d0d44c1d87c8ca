// The PM2 entry point (see ecosystem.config.js). PM2 7 refuses a .ts script
// on Node < 22.18 unless it may pick the interpreter, which cluster mode
// can't use, so this plain ES module imports the server; tsx comes from
// node_args (`--import tsx`).
import "../src/server/main.ts";
