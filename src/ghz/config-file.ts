import { extname } from "node:path";
import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";

/** The config file formats ghz reads, by extension. */
export const configExtensions = [".json", ".toml", ".yaml", ".yml"] as const;

/** Checks that `path` names a config format ghz reads, before anything is read. */
export function checkConfigPath(path: string): void {
  const extension = extname(path).toLowerCase();
  if (!(configExtensions as readonly string[]).includes(extension)) {
    throw new Error(`config ${path}: must end in ${configExtensions.join(", ")}`);
  }
}

/**
 * Parses the text of a ghz config file by its extension, as ghz does:
 * `.json`, `.toml`, or `.yaml`/`.yml`, each with ghz's long flag names as
 * keys. Throws an error naming the file on an unknown extension or a syntax
 * error; what the keys mean is checked by `parseGhzConfig`.
 */
export function parseConfigText(path: string, text: string): unknown {
  checkConfigPath(path);
  const extension = extname(path).toLowerCase();
  try {
    switch (extension) {
      case ".toml":
        return parseToml(text);
      case ".yaml":
      case ".yml":
        // One document, no custom tags: a config is plain data.
        return parseYaml(text, { schema: "core", maxAliasCount: 100 });
      default: // .json, the only other extension checkConfigPath lets through
        return JSON.parse(text);
    }
  } catch (error) {
    throw new Error(`config ${path}: ${(error as Error).message}`);
  }
}
