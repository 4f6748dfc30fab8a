// A YAML schema for CloudFormation templates: the short-form intrinsic tags (!Ref,
// !GetAtt, !Sub, ...) become their long form ({ Ref: x }, { "Fn::GetAtt": [a, b] }), so
// the template can be walked as plain data.
import {
  defineMappingTag,
  defineScalarTag,
  defineSequenceTag,
  YAML11_SCHEMA,
  type Schema,
  type TagDefinition,
} from "js-yaml";

// Every short form CloudFormation documents ("Intrinsic function reference").
const FUNCTIONS = [
  "Base64", "Cidr", "Equals", "FindInMap", "GetAtt", "GetAZs", "If", "ImportValue",
  "Join", "Length", "Not", "And", "Or", "Select", "Split", "Sub", "ToJsonString", "Transform",
];

function longName(name: string): string {
  return name === "Ref" || name === "Condition" ? name : `Fn::${name}`;
}

function scalarValue(name: string, text: string): unknown {
  // !GetAtt Resource.Attribute is the short form of [Resource, Attribute].
  if (name === "GetAtt") {
    const dot = text.indexOf(".");
    return dot < 0 ? [text] : [text.slice(0, dot), text.slice(dot + 1)];
  }
  return text;
}

function tagsFor(name: string): TagDefinition[] {
  const key = longName(name);
  const tag = `!${name}`;
  return [
    defineScalarTag(tag, {
      resolve: (text) => ({ [key]: scalarValue(name, text) }),
      identify: () => false,
    }),
    defineSequenceTag<unknown[], Record<string, unknown>>(tag, {
      create: () => [],
      addItem: (list, item) => {
        list.push(item);
      },
      finalize: (list) => ({ [key]: list }),
      identify: () => false,
    }),
    defineMappingTag<Map<unknown, unknown>, Record<string, unknown>>(tag, {
      create: () => new Map(),
      addPair: (map, k, v) => {
        map.set(k, v);
        return "";
      },
      has: (map, k) => map.has(k),
      keys: (result) => Object.keys(result),
      get: (result, k) => result[String(k)],
      finalize: (map) => ({ [key]: Object.fromEntries(map) }),
      identify: () => false,
    }),
  ];
}

export const CLOUDFORMATION_SCHEMA: Schema = YAML11_SCHEMA.withTags(
  ...["Ref", "Condition", ...FUNCTIONS].flatMap(tagsFor),
);
