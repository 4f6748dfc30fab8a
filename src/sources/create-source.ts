// Builds the Source a spec names: auto|gce|ec2|azure|file:PATH|url:URL.
//
// `auto` is resolved without network when it can be (a configured provider endpoint, then
// DMI strings: both read synchronously at start-up, cheap). Only when neither decides does
// createSource return a source of kind "auto" whose first read or watch runs the short
// network probe (≤ probeTimeoutMs, 1 s by default) and then delegates to the provider found;
// a failed probe is a SourceError and is retried on the next read or pull.
//
// Watches are pull-driven: after yielding an error, a source fetches again only when the
// consumer asks for the next value, so the sync loop's pause is the backoff.
import { AzureSource } from "./azure.js";
import { detectPlatform, detectWithoutNetwork, type Detection, type Platform } from "./detect.js";
import { Ec2Source } from "./ec2.js";
import { FileSource } from "./file.js";
import { GceSource } from "./gce.js";
import type { Payload, Source, SourceContact, SourceError, SourceKind } from "./source.js";
import { sourceError } from "./source-error.js";
import { parseSourceSpec } from "./source-spec.js";
import { silentLog, type SourceOptions } from "./source-options.js";
import { UrlSource } from "./url.js";

export type { SourceOptions } from "./source-options.js";

const PLATFORMS: readonly Platform[] = ["gce", "ec2", "azure"];

function createPlatformSource(platform: Platform, options: SourceOptions): Source {
  if (platform === "gce") return new GceSource(options);
  if (platform === "ec2") return new Ec2Source(options);
  return new AzureSource(options);
}

export function createSource(spec: string, options: SourceOptions): Source {
  const parsed = parseSourceSpec(spec);
  if (typeof parsed === "string") throw new RangeError(parsed);
  if (parsed.kind === "file") return new FileSource(parsed.path, options);
  if (parsed.kind === "url") return new UrlSource(parsed.url, options);
  if (parsed.kind !== "auto") return createPlatformSource(parsed.kind, options);
  const detection = detectWithoutNetwork(options);
  if (detection?.platform === undefined) return new ProbingSource(options);
  logDetection(options, detection);
  return createPlatformSource(detection.platform, options);
}

/** Detects the platform (probing the network if needed) and builds its source. */
export async function resolveSource(spec: string, options: SourceOptions, signal: AbortSignal): Promise<Source | SourceError> {
  if (spec !== "auto") return createSource(spec, options);
  const detection = await detectPlatform(options, signal);
  logDetection(options, detection);
  if (detection.platform === undefined) return sourceError("auto", "unreachable", `platform not detected: ${detection.reason}`);
  return createPlatformSource(detection.platform, options);
}

function logDetection(options: SourceOptions, detection: Detection): void {
  const log = options.log ?? silentLog;
  if (detection.platform === undefined) log.warn("source.detect_failed", { reason: detection.reason });
  else log.info("source.detected", { platform: detection.platform, reason: detection.reason });
}

/** `auto` when only a network probe can tell: detects on first use, then delegates. */
class ProbingSource implements Source {
  private resolved: Source | undefined;
  /** Until detection decides: the longest any platform's watch may be silent. */
  private readonly undecidedStaleAfterMs: number;

  constructor(private readonly options: SourceOptions) {
    this.undecidedStaleAfterMs = Math.max(...PLATFORMS.map((platform) => createPlatformSource(platform, options).staleAfterMs));
  }

  get kind(): SourceKind {
    return this.resolved?.kind ?? "auto";
  }

  get name(): string {
    return this.resolved?.name ?? "auto";
  }

  get staleAfterMs(): number {
    return this.resolved?.staleAfterMs ?? this.undecidedStaleAfterMs;
  }

  private async resolve(signal: AbortSignal): Promise<Source | SourceError> {
    if (this.resolved !== undefined) return this.resolved;
    const source = await resolveSource("auto", this.options, signal);
    if (source.kind !== "error") this.resolved = source;
    return source;
  }

  async read(signal: AbortSignal): Promise<Payload | SourceError> {
    const source = await this.resolve(signal);
    return source.kind === "error" ? source : source.read(signal);
  }

  async *watch(signal: AbortSignal): AsyncGenerator<Payload | SourceError | SourceContact> {
    while (!signal.aborted) {
      let source: Source | SourceError;
      try {
        source = await this.resolve(signal);
      } catch (err) {
        if (signal.aborted) return;
        throw err;
      }
      if (source.kind !== "error") {
        yield* source.watch(signal);
        return;
      }
      yield source;
    }
  }
}
