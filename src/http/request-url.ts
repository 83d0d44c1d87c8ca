/** A request target split at its first `?`: the path, and the query without the `?`. */
export function splitRequestUrl(url: string | undefined): { path: string; query: string } {
  const target = url ?? "/";
  const queryStart = target.indexOf("?");
  return queryStart < 0
    ? { path: target, query: "" }
    : { path: target.slice(0, queryStart), query: target.slice(queryStart + 1) };
}
