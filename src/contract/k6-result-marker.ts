/**
 * The prefix of the line on which `loadtest/concurrency.ts` prints its JSON
 * result to stdout when RESULT_OUT is `-` (a k6-operator runner pod, whose
 * files vanish with it but whose log stays): `loopstall k6-merge` finds each
 * runner's result in `kubectl logs` output by it. Shared by k6 and Node.
 */
export const k6ResultMarker = "loopstall-k6-result ";
