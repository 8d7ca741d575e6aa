import type { z } from 'zod';

/*
 * Just enough zod introspection to follow a key path through the input side of a schema: env
 * overrides need the camelCase spelling of each key, and unknown-key errors list the known ones.
 */
type Schema = z.core.$ZodType;

interface LooseDef {
  type: string;
  innerType?: Schema;
  in?: Schema;
  shape?: Record<string, Schema>;
  valueType?: Schema;
  options?: readonly Schema[];
  getter?: () => Schema;
}

export type SchemaNode =
  | { kind: 'object'; keys: string[]; child: (key: string) => Schema | undefined }
  | { kind: 'record'; value: Schema }
  | { kind: 'leaf' };

/** Strips wrappers that do not change which keys the input may have. */
function unwrap(schema: Schema): Schema {
  const def = schema._zod.def as unknown as LooseDef;
  if (def.innerType) return unwrap(def.innerType);
  if (def.type === 'pipe' && def.in) return unwrap(def.in);
  if (def.type === 'lazy' && def.getter) return unwrap(def.getter());
  return schema;
}

export function describe(schema: Schema): SchemaNode {
  const def = unwrap(schema)._zod.def as unknown as LooseDef;
  if (def.type === 'object' && def.shape) {
    const shape = def.shape;
    return { kind: 'object', keys: Object.keys(shape), child: (key) => (Object.hasOwn(shape, key) ? shape[key] : undefined) };
  }
  if (def.type === 'record' && def.valueType) return { kind: 'record', value: def.valueType };
  if (def.type === 'union' && def.options) {
    // A union of objects (e.g. the database kinds) accepts the keys of all its options.
    const objects = def.options.map(describe).filter((n) => n.kind === 'object');
    if (objects.length === 0) return { kind: 'leaf' };
    const keys = [...new Set(objects.flatMap((n) => n.keys))];
    return { kind: 'object', keys, child: (key) => objects.map((n) => n.child(key)).find((s) => s !== undefined) };
  }
  return { kind: 'leaf' };
}

/** The schema found by following `path` from `root`, or undefined where the path leaves it. */
export function schemaAt(root: Schema, path: readonly PropertyKey[]): Schema | undefined {
  let current: Schema | undefined = root;
  for (const segment of path) {
    if (current === undefined) return undefined;
    const node = describe(current);
    if (node.kind === 'object') current = node.child(String(segment));
    else if (node.kind === 'record') current = node.value;
    else {
      const def = unwrap(current)._zod.def as unknown as LooseDef & { element?: Schema };
      current = def.type === 'array' && typeof segment === 'number' ? def.element : undefined;
    }
  }
  return current;
}
