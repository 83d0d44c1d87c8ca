/**
 * Descriptors of a user's own service, read at run time: from a .proto file
 * (compiled by the buf CLI that ships in the `@bufbuild/buf` package, with
 * import paths, no network needed) or from a protoset (a serialized
 * FileDescriptorSet, as `buf build -o x.binpb` or `protoc -o x.protoset
 * --include_imports` writes). `loopstall load --proto/--protoset` uses them
 * to find `--heavy-call` and `--probe-call` and to encode their JSON data.
 */
import { execFile } from "node:child_process";
import { mkdtemp, open, rm, stat, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import {
  createFileRegistry,
  type DescMethod,
  type FileRegistry,
  fromBinary,
  type MessageShape,
} from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { messagesFromJson } from "./json-messages.js";

/** Where the descriptors come from: exactly one of `proto` and `protoset`. */
export interface SchemaSource {
  /** A .proto file (its imports found on `importPaths`). */
  proto?: string;
  /** A serialized FileDescriptorSet holding the service and everything it imports. */
  protoset?: string;
  /** Directories imports are resolved against. Default: the .proto's own directory. */
  importPaths?: string[];
}

/** Limits on what is read. */
export const schemaLimits = {
  /** bytes of a protoset, or of what buf writes */
  maxDescriptorBytes: 64 * 1024 * 1024,
  /** import paths */
  maxImportPaths: 32,
  /** how long buf may take, ms */
  compileTimeoutMs: 60_000,
  /** request messages in one `--*-data` array */
  maxMessages: 10_000,
} as const;

/** Reads the descriptors of `source`. Throws one clear sentence on any problem. */
export async function loadSchema(source: SchemaSource): Promise<FileRegistry> {
  if ((source.proto === undefined) === (source.protoset === undefined)) {
    throw new Error("give exactly one of --proto and --protoset");
  }
  const bytes =
    source.protoset !== undefined
      ? await readBounded(source.protoset, "protoset")
      : await compileProto(source.proto as string, source.importPaths ?? []);
  let set: ReturnType<typeof fromBinary<typeof FileDescriptorSetSchema>>;
  try {
    set = fromBinary(FileDescriptorSetSchema, bytes);
  } catch (error) {
    throw new Error(
      `${source.protoset ?? source.proto} is not a FileDescriptorSet: ${(error as Error).message}`,
    );
  }
  try {
    return createFileRegistry(set);
  } catch (error) {
    throw new Error(
      `${source.protoset ?? source.proto}: ${(error as Error).message} (a protoset must include its imports: protoc --include_imports, or buf build)`,
    );
  }
}

/**
 * Finds `pkg.Service/Method` (or `pkg.Service.Method`) in the registry.
 * Throws an error that lists the methods there are.
 */
export function findServiceMethod(registry: FileRegistry, call: string): DescMethod {
  const trimmed = call.trim();
  const cut = trimmed.includes("/") ? trimmed.lastIndexOf("/") : trimmed.lastIndexOf(".");
  const serviceName = trimmed.slice(0, Math.max(cut, 0)).replace(/^\//, "");
  const methodName = trimmed.slice(cut + 1);
  const service = registry.getService(serviceName);
  const method = service?.methods.find((m) => m.name === methodName);
  if (method === undefined) {
    const all: string[] = [];
    for (const file of registry.files) {
      for (const s of file.services) {
        all.push(...s.methods.map((m) => `${s.typeName}/${m.name}`));
      }
    }
    throw new Error(
      `"${call}" is not a method in the schema; ${all.length > 0 ? `it has: ${all.slice(0, 50).join(", ")}` : "it defines no service"}`,
    );
  }
  return method;
}

/**
 * Parses request data (JSON text: an object, or an array of objects sent
 * round robin; none = the empty message) against the method's input type,
 * with the proto3 JSON mapping. Unknown fields are an error.
 */
export function parseMessages(
  method: DescMethod,
  dataText: string | undefined,
  flag: string,
): Array<MessageShape<DescMethod["input"]>> {
  let data: unknown = {};
  if (dataText !== undefined) {
    try {
      data = JSON.parse(dataText);
    } catch (error) {
      throw new Error(`${flag} is not valid JSON: ${(error as Error).message}`);
    }
  }
  const items = Array.isArray(data) ? data : [data];
  if (items.length === 0 || items.length > schemaLimits.maxMessages) {
    throw new Error(
      `${flag}: expected 1 to ${schemaLimits.maxMessages} messages, got ${items.length}`,
    );
  }
  return messagesFromJson(method, data, flag);
}

/**
 * Compiles `proto` with buf into a FileDescriptorSet with its imports. The
 * import paths become the modules of a throwaway buf workspace (symlinks in
 * a temporary directory), so any layout of directories works as protoc's -I.
 */
async function compileProto(proto: string, importPaths: string[]): Promise<Uint8Array> {
  if (!proto.endsWith(".proto")) {
    throw new Error(`--proto ${proto}: must be a .proto file`);
  }
  if (importPaths.length > schemaLimits.maxImportPaths) {
    throw new Error(
      `at most ${schemaLimits.maxImportPaths} import paths, got ${importPaths.length}`,
    );
  }
  if (importPaths.length === 0 && !(await stat(proto).catch(() => undefined))?.isFile()) {
    throw new Error(`--proto ${proto}: file not found`);
  }
  const roots = (importPaths.length > 0 ? importPaths : [resolve(proto, "..")]).map((p) =>
    resolve(p),
  );
  for (const root of roots) {
    const s = await stat(root).catch(() => undefined);
    if (!s?.isDirectory()) {
      throw new Error(`import path ${root} is not a directory`);
    }
  }
  // The file as given, or relative to an import path (as protoc and ghz take it).
  const candidates = [resolve(proto), ...roots.map((root) => resolve(root, proto))];
  let located: { root: number; rel: string } | undefined;
  for (const file of candidates) {
    const s = await stat(file).catch(() => undefined);
    if (!s?.isFile()) {
      continue;
    }
    const index = roots.findIndex((root) => {
      const rel = relative(root, file);
      return !rel.startsWith("..") && !isAbsolute(rel);
    });
    if (index >= 0) {
      located = { root: index, rel: relative(roots[index] as string, file) };
      break;
    }
    throw new Error(`--proto ${proto} is not under any import path (${roots.join(", ")})`);
  }
  if (located === undefined) {
    throw new Error(`--proto ${proto}: file not found`);
  }
  const workspace = await mkdtemp(join(tmpdir(), "loopstall-proto-"));
  try {
    const modules = roots.map((_, i) => `m${i}`);
    await Promise.all(roots.map((root, i) => symlink(root, join(workspace, `m${i}`), "dir")));
    await writeFile(
      join(workspace, "buf.yaml"),
      `version: v2\nmodules:\n${modules.map((m) => `  - path: ${m}\n`).join("")}`,
    );
    const target = join(workspace, `m${located.root}`, located.rel.split(sep).join("/"));
    // buf names files by workspace module; give the user's own paths back.
    const ownPaths = (text: string) =>
      roots.reduce((t, root, i) => t.split(join(workspace, `m${i}`)).join(root), text);
    return await runBuf(["build", workspace, "--path", target, "--output", "-"], proto, ownPaths);
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

/** The buf binary of the `@bufbuild/buf` package. */
function bufBinary(): string {
  const require = createRequire(import.meta.url);
  return join(require.resolve("@bufbuild/buf/package.json"), "..", "bin", "buf");
}

function runBuf(
  args: string[],
  proto: string,
  ownPaths: (text: string) => string,
): Promise<Uint8Array> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      bufBinary(),
      args,
      {
        encoding: "buffer",
        maxBuffer: schemaLimits.maxDescriptorBytes,
        timeout: schemaLimits.compileTimeoutMs,
      },
      (error, stdout, stderr) => {
        if (error) {
          const detail = stderr.toString("utf8").trim().split("\n").slice(0, 10).join("\n");
          reject(new Error(`cannot compile ${proto}: ${ownPaths(detail) || error.message}`));
          return;
        }
        resolvePromise(new Uint8Array(stdout));
      },
    );
  });
}

async function readBounded(path: string, what: string): Promise<Uint8Array> {
  const handle = await open(path, "r").catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read ${what} ${path}: ${error.code ?? error.message}`);
  });
  try {
    const { size } = await handle.stat();
    if (size > schemaLimits.maxDescriptorBytes) {
      throw new Error(
        `${what} ${path} is ${size} bytes, over the ${schemaLimits.maxDescriptorBytes}-byte limit`,
      );
    }
    return new Uint8Array(await handle.readFile());
  } finally {
    await handle.close();
  }
}
