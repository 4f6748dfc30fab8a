// Placeholder until tools/generate-schema.ts writes the real value from its input.
export const KUBERNETES_VERSION = "1.36";
