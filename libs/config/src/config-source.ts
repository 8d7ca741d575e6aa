/*
 * Which file a loaded configuration came from, kept beside the object rather than in it so the
 * config stays exactly the schema's output; requireApp uses it to name the file in its error.
 */
const sources = new WeakMap<object, string>();

export function rememberSource(config: object, source: string): void {
  sources.set(config, source);
}

export function sourceOf(config: object): string | undefined {
  return sources.get(config);
}
