// I/O failures in the manifest or state directory, as one typed error with a stable `code`
// (the errno name: EACCES, EROFS, ENOSPC, ENOTDIR, ...) and the operation and path it hit.
// The sync loop backs off on it; nothing it names was left half-written.

export class ManifestIoError extends Error {
  override readonly name = "ManifestIoError";
  readonly code: string;
  readonly operation: string;
  readonly path: string;

  constructor(operation: string, path: string, cause: unknown) {
    const code = errnoCode(cause) ?? "EIO";
    super(`${operation} ${path}: ${code}${cause instanceof Error ? ` (${cause.message})` : ""}`, { cause });
    this.code = code;
    this.operation = operation;
    this.path = path;
  }
}

export function errnoCode(err: unknown): string | undefined {
  if (typeof err === "object" && err !== null && "code" in err && typeof err.code === "string") return err.code;
  return undefined;
}

/** Runs one fs call, turning its failure into a ManifestIoError naming what was attempted. */
export async function withIoContext<T>(operation: string, path: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    // Only system errors (with an errno code) are I/O failures; anything else is a bug.
    if (err instanceof ManifestIoError || errnoCode(err) === undefined) throw err;
    throw new ManifestIoError(operation, path, err);
  }
}
