// A field path built while descending, printed once: `spec.containers[0].image`,
// `metadata.labels[app.kubernetes.io/name]` (apimachinery's field.Path shape). A validator
// builds one for nearly every field it looks at and prints almost none (only those with an
// error), so a step stores its name as given and the text is made in toString.
const CHILD = 0;
const SUBSCRIPT = 1;

export class FieldPath {
  // Declared, not class fields: a field is defined on every construction before the
  // constructor assigns it, which the interpreter (rower runs without TurboFan) pays per step.
  private declare readonly parent: FieldPath | undefined;
  private declare readonly kind: typeof CHILD | typeof SUBSCRIPT;
  private declare readonly name: string | number;

  private constructor(parent: FieldPath | undefined, kind: typeof CHILD | typeof SUBSCRIPT, name: string | number) {
    this.parent = parent;
    this.kind = kind;
    this.name = name;
  }

  static root(name?: string): FieldPath {
    return new FieldPath(undefined, CHILD, name ?? "");
  }

  child(name: string): FieldPath {
    return new FieldPath(this, CHILD, name);
  }

  index(i: number): FieldPath {
    return new FieldPath(this, SUBSCRIPT, i);
  }

  key(k: string): FieldPath {
    return new FieldPath(this, SUBSCRIPT, k);
  }

  toString(): string {
    const parts: string[] = [];
    for (let p: FieldPath | undefined = this; p; p = p.parent) {
      parts.push(p.kind === SUBSCRIPT ? `[${p.name}]` : p.parent === undefined ? String(p.name) : `.${p.name}`);
    }
    const joined = parts.reverse().join("");
    return joined.startsWith(".") ? joined.slice(1) : joined;
  }
}
