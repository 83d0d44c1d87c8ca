import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { rawGet } from "../load/raw-client.js";
import { projectRoot } from "../runtime/entry.js";
import { processTree } from "../runtime/process-tree.js";

const run = promisify(execFile);

/**
 * The production path, as `npm start` runs it after `npm ci`: the compiled
 * `dist/` (built by `npm test` before the tests, and by `prepare`) in a copy
 * of the project whose node_modules holds the production dependencies only.
 * tsx is not there, so any process or thread that tried to load it, or to
 * load a `.ts` entry, would fail.
 */
describe("the compiled build", () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "loopstall-dist-"));
    await cp(join(projectRoot, "dist"), join(root, "dist"), { recursive: true });
    await cp(join(projectRoot, "bin"), join(root, "bin"), { recursive: true });
    await cp(join(projectRoot, "package.json"), join(root, "package.json"));
    const lock = JSON.parse(await readFile(join(projectRoot, "package-lock.json"), "utf8")) as {
      packages: Record<string, { dev?: boolean }>;
    };
    for (const [path, entry] of Object.entries(lock.packages)) {
      // Top-level production packages; their own nested node_modules come along.
      if (entry.dev || !/^node_modules\/(@[^/]+\/)?[^/]+$/.test(path)) {
        continue;
      }
      await mkdir(dirname(join(root, path)), { recursive: true });
      await symlink(join(projectRoot, path), join(root, path));
    }
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("leaves tsx out of the production dependencies", async () => {
    const pkg = JSON.parse(await readFile(join(projectRoot, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    assert.equal(pkg.dependencies.tsx, undefined);
    assert.match(pkg.scripts.start ?? "", /^node dist\//);
    await assert.rejects(
      run(process.execPath, ["--input-type=module", "-e", 'await import("tsx")'], { cwd: root }),
      /ERR_MODULE_NOT_FOUND|Cannot find package/,
    );
  });

  it("serves with 2 cluster workers and offloads to a pool thread, with no tsx anywhere", async () => {
    const server = spawn(
      process.execPath,
      ["dist/server/main.js", "--port", "0", "--workers", "2"],
      { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: cleanEnv() },
    );
    try {
      const url = await announcedUrl(server);
      assert.equal((await rawGet(`${url}/.well-known/live`, { timeoutMs: 5_000 })).status, 200);
      // The first offloaded request starts a piscina thread on dist/strategy/clients-worker.js.
      const offloaded = await rawGet(`${url}/v1/clients?count=3`, {
        timeoutMs: 30_000,
        headers: { "loopstall-strategy": "offload" },
      });
      assert.equal(offloaded.status, 200, offloaded.body);
      assert.equal(offloaded.headers.get("loopstall-strategy"), "offload");
      assert.equal((JSON.parse(offloaded.body) as { clients: unknown[] }).clients.length, 3);
      for (const command of processTree(server.pid ?? 0)) {
        assert.doesNotMatch(command, /tsx|\.ts\b/, command);
        assert.match(command, /dist\/server\/main\.js/);
      }
    } finally {
      server.kill("SIGTERM");
      await once(server, "exit");
    }
  });

  it("runs the loopstall bin and its load threads from dist", async () => {
    const server = spawn(process.execPath, ["dist/server/main.js", "--port", "0"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: cleanEnv(),
    });
    try {
      const url = await announcedUrl(server);
      const { stdout } = await run(
        process.execPath,
        [
          "bin/loopstall.js",
          "load",
          "--url",
          url,
          "--baseline",
          "1",
          "--heavy",
          "1",
          "--recovery",
          "0",
          "--count",
          "10",
          "--json",
        ],
        { cwd: root, env: cleanEnv(), timeout: 60_000 },
      );
      const result = JSON.parse(stdout.slice(stdout.indexOf("\n{") + 1)) as {
        probe: { baseline: { completed: number }; errors: number };
        heavy: { completed: number };
      };
      assert.ok(result.probe.baseline.completed > 0, "the probe thread ran and got answers");
      assert.ok(result.heavy.completed > 0, "the heavy thread ran and got answers");
    } finally {
      server.kill("SIGTERM");
      await once(server, "exit");
    }
  });
});

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ["NODE_OPTIONS", "PORT", "WORKERS", "STRATEGY"]) {
    delete env[name];
  }
  return env;
}

function announcedUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /serving on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`server exited (${code}): ${output}`)));
  });
}
