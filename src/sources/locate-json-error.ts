// Where and why bytes are not JSON (RFC 8259), without quoting them: JSON.parse's message
// quotes the text around the error, and a server's answer must not reach logs or /readyz.
// Run only after JSON.parse has refused the bytes; iterative, so nesting depth costs no stack.

export type JsonProblem = "unexpected end" | "unexpected byte" | "control byte in a string" | "bad escape" | "bad number" | "data after the value";

export interface JsonSyntaxError {
  /** Byte offset of the first byte that cannot continue a JSON text (the length, at an early end). */
  offset: number;
  problem: JsonProblem;
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const SIMPLE_ESCAPES = new Set([...'"\\/bfnrt'].map((c) => c.charCodeAt(0)));
const LITERALS = ["true", "false", "null"].map((word) => Buffer.from(word));
const isDigit = (byte: number | undefined): boolean => byte !== undefined && byte >= 0x30 && byte <= 0x39;
const isHex = (byte: number | undefined): boolean => byte !== undefined && /[0-9a-fA-F]/.test(String.fromCharCode(byte));

type Expect = "value" | "value-or-close" | "key" | "key-or-close" | "colon" | "comma-or-close" | "done";

/** The first syntax error in `bytes`, or undefined when they are a JSON text. */
export function locateJsonError(bytes: Uint8Array): JsonSyntaxError | undefined {
  const stack: Array<"array" | "object"> = [];
  let i = 0;
  let expect: Expect = "value";
  const fail = (problem: JsonProblem, offset = i): JsonSyntaxError => ({ offset, problem });
  const afterValue = (): Expect => (stack.length === 0 ? "done" : "comma-or-close");

  /** Consumes a string starting at the quote; an error, or undefined. */
  const string = (): JsonSyntaxError | undefined => {
    i += 1;
    for (;;) {
      const byte = bytes[i];
      if (byte === undefined) return fail("unexpected end");
      if (byte === 0x22) {
        i += 1;
        return undefined;
      }
      if (byte < 0x20) return fail("control byte in a string");
      if (byte !== 0x5c) {
        i += 1;
        continue;
      }
      const escape = bytes[i + 1];
      if (escape === undefined) return fail("unexpected end", i + 1);
      if (SIMPLE_ESCAPES.has(escape)) {
        i += 2;
        continue;
      }
      if (escape !== 0x75) return fail("bad escape", i + 1);
      for (let k = 2; k < 6; k += 1) {
        if (bytes[i + k] === undefined) return fail("unexpected end", i + k);
        if (!isHex(bytes[i + k])) return fail("bad escape", i + k);
      }
      i += 6;
    }
  };

  /** Consumes `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`. */
  const number = (): JsonSyntaxError | undefined => {
    const digits = (): boolean => {
      if (!isDigit(bytes[i])) return false;
      while (isDigit(bytes[i])) i += 1;
      return true;
    };
    if (bytes[i] === 0x2d) i += 1;
    if (bytes[i] === 0x30) i += 1;
    else if (!digits()) return fail(bytes[i] === undefined ? "unexpected end" : "bad number");
    if (bytes[i] === 0x2e) {
      i += 1;
      if (!digits()) return fail(bytes[i] === undefined ? "unexpected end" : "bad number");
    }
    if (bytes[i] === 0x65 || bytes[i] === 0x45) {
      i += 1;
      if (bytes[i] === 0x2b || bytes[i] === 0x2d) i += 1;
      if (!digits()) return fail(bytes[i] === undefined ? "unexpected end" : "bad number");
    }
    return undefined;
  };

  const literal = (): JsonSyntaxError | undefined => {
    const word = LITERALS.find((candidate) => candidate[0] === bytes[i]);
    if (word === undefined) return fail("unexpected byte");
    for (const expected of word) {
      if (bytes[i] === undefined) return fail("unexpected end");
      if (bytes[i] !== expected) return fail("unexpected byte");
      i += 1;
    }
    return undefined;
  };

  const value = (): JsonSyntaxError | undefined => {
    const byte = bytes[i];
    if (byte === 0x7b) {
      stack.push("object");
      i += 1;
      expect = "key-or-close";
      return undefined;
    }
    if (byte === 0x5b) {
      stack.push("array");
      i += 1;
      expect = "value-or-close";
      return undefined;
    }
    const error = byte === 0x22 ? string() : byte === 0x2d || isDigit(byte) ? number() : literal();
    expect = afterValue();
    return error;
  };

  for (;;) {
    while (i < bytes.length && WHITESPACE.has(bytes[i] as number)) i += 1;
    const byte = bytes[i];
    if (byte === undefined) return expect === "done" ? undefined : fail("unexpected end");
    let error: JsonSyntaxError | undefined;
    if (expect === "done") return fail("data after the value");
    if (expect === "value" || expect === "value-or-close") {
      if (expect === "value-or-close" && byte === 0x5d) {
        stack.pop();
        i += 1;
        expect = afterValue();
      } else {
        error = value();
      }
    } else if (expect === "key" || expect === "key-or-close") {
      if (expect === "key-or-close" && byte === 0x7d) {
        stack.pop();
        i += 1;
        expect = afterValue();
      } else if (byte === 0x22) {
        error = string();
        expect = "colon";
      } else {
        error = fail("unexpected byte");
      }
    } else if (expect === "colon") {
      if (byte !== 0x3a) return fail("unexpected byte");
      i += 1;
      expect = "value";
    } else {
      const top = stack[stack.length - 1];
      if (byte === 0x2c) {
        i += 1;
        expect = top === "array" ? "value" : "key";
      } else if ((byte === 0x5d && top === "array") || (byte === 0x7d && top === "object")) {
        stack.pop();
        i += 1;
        expect = afterValue();
      } else {
        error = fail("unexpected byte");
      }
    }
    if (error !== undefined) return error;
  }
}

/** "<what> is not JSON: <problem> at byte N of SIZE", naming no byte of it. */
export function describeJsonError(bytes: Uint8Array, what: string): string {
  const error = locateJsonError(bytes);
  // The scan and JSON.parse disagree: say only the size.
  if (error === undefined) return `${what} is not JSON (${bytes.byteLength} bytes)`;
  return `${what} is not JSON: ${error.problem} at byte ${error.offset} of ${bytes.byteLength}`;
}
