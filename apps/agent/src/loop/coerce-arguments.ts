/** The subset of JSON Schema the coercion reads (what `z.toJSONSchema` writes for tool inputs). */
interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
}

/**
 * Turns the strings a small model writes for scalars into the scalars the schema wants: "5" → 5 where a
 * number or integer is expected, "true"/"false" → booleans. Only where the schema asks for that type and
 * the string is exactly such a literal; anything else is left as it was for the validator to judge.
 */
export function coerceArguments(value: unknown, schema: unknown): unknown {
  const node = (schema ?? {}) as SchemaNode;
  const types = typeof node.type === 'string' ? [node.type] : (node.type ?? []);
  for (const alternative of node.anyOf ?? []) {
    const alternativeType = alternative.type;
    if (typeof alternativeType === 'string') types.push(alternativeType);
  }
  if (typeof value === 'string' && !types.includes('string')) {
    const text = value.trim();
    if (
      (types.includes('number') || types.includes('integer')) &&
      /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)
    ) {
      return Number(text);
    }
    if (types.includes('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  }
  if (Array.isArray(value)) {
    return node.items ? value.map((item) => coerceArguments(item, node.items)) : value;
  }
  if (typeof value === 'object' && value !== null) {
    const properties =
      node.properties ?? node.anyOf?.find((alternative) => alternative.properties)?.properties;
    if (!properties) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        key in properties ? coerceArguments(item, properties[key]) : item,
      ]),
    );
  }
  return value;
}
