// rower's work is small and runs a few times per change, so V8's optimizing compilers
// cost more than they return. Their compile zones are malloc'd and stay in the process:
// - validate/render/diff on a 1,000-pod List: peak RSS 74 -> 60 MiB and 0.57 -> 0.49 s on
//   Node 20 (Turbofan off), 97 -> 66 MiB on Node 24 (Maglev off too);
// - the daemon through 1,000 applied edits: RSS +80 MB -> +34 MB (the rest is the young
//   generation growing, which a start flag bounds: see the units' --max-semi-space-size).
// Worker threads share the flags. The interpreter and the baseline compiler still run.
import { setFlagsFromString } from "node:v8";

/** Called once at start, before any command runs. */
export function forgoOptimizingCompilers(): void {
  setFlagsFromString("--no-turbofan");
  setFlagsFromString("--no-maglev");
}
