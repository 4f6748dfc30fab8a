// Image references as the container runtime resolves them (distribution/reference's
// ParseNormalizedNamed): the first path component is a registry only when it contains "." or
// ":" or is "localhost"; otherwise the image is on Docker Hub (docker.io), and a single-component
// name is under library/. The registries rule matches patterns against that normalized
// repository, so `nginx`, `library/nginx` and `docker.io/library/nginx` are one image.

export interface ImageReference {
  /** `registry/path`, e.g. `docker.io/library/nginx`. */
  repository: string;
  tag?: string;
  /** `sha256:<hex>` and the like, without the `@`. */
  digest?: string;
}

const DOCKER_HUB = "docker.io";
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

/** The normalized reference, or undefined when `image` is not one a runtime would pull. */
export function parseImageReference(image: string): ImageReference | undefined {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  // A colon after the last slash starts a tag; before it, it is a registry's port.
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  const components = rest.split("/");
  const first = components[0] ?? "";
  const hasRegistry = components.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
  let registry = hasRegistry ? first.toLowerCase() : DOCKER_HUB;
  const path = hasRegistry ? components.slice(1) : components;
  if (registry === "index.docker.io") registry = DOCKER_HUB;
  if (path.length === 0 || !path.every((c) => PATH_COMPONENT.test(c))) return undefined;
  if (registry === DOCKER_HUB && path.length === 1) path.unshift("library");
  const reference: ImageReference = { repository: `${registry}/${path.join("/")}` };
  if (tag !== undefined) reference.tag = tag;
  if (digest !== undefined) reference.digest = digest;
  return reference;
}

export function hasSha256Digest(reference: ImageReference): boolean {
  return reference.digest !== undefined && SHA256_DIGEST.test(reference.digest);
}

/** `*` and `?` stay within one path segment, `**` crosses segments; the whole repository must match. */
export function compileRepositoryGlob(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? "";
    if (c === "*" && pattern[i + 1] === "*") {
      source += ".*";
      i++;
    } else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}
