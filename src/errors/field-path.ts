// A field path built while descending, printed once: `spec.containers[0].image`,
// `metadata.labels[app.kubernetes.io/name]` (apimachinery's field.Path shape).
export class FieldPath {
  private constructor(
    private readonly parent: FieldPath | undefined,
    private readonly segment: string,
  ) {}

  static root(name?: string): FieldPath {
    return new FieldPath(undefined, name ?? "");
  }

  child(name: string): FieldPath {
    return new FieldPath(this, `.${name}`);
  }

  index(i: number): FieldPath {
    return new FieldPath(this, `[${i}]`);
  }

  key(k: string): FieldPath {
    return new FieldPath(this, `[${k}]`);
  }

  toString(): string {
    const parts: string[] = [];
    for (let p: FieldPath | undefined = this; p; p = p.parent) parts.push(p.segment);
    const joined = parts.reverse().join("");
    return joined.startsWith(".") ? joined.slice(1) : joined;
  }
}
