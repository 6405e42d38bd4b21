/**
 * Where a NUL character hides in a request's params, query or JSON body, or in a decoded MQTT
 * payload: `body.items.2.name`.
 * PostgreSQL text and jsonb cannot store one ("invalid byte sequence"), so it is refused up front.
 * Iterative, so a deeply nested body cannot overflow the stack.
 */
export function nulField(parts: Record<string, unknown>): string | undefined {
  const stack: [unknown, string][] = Object.entries(parts).map(([k, v]) => [v, k]);
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return path;
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => stack.push([x, `${path}.${i}`]));
    } else if (v && typeof v === 'object' && !ArrayBuffer.isView(v) && typeof (v as { pipe?: unknown }).pipe !== 'function') {
      // a parsed body or query (the query parser's objects have a prototype of their own); not a Buffer or an upload stream
      for (const [k, x] of Object.entries(v)) {
        if (k.includes('\u0000')) return `${path}.${k.replaceAll('\u0000', '\\u0000')}`;
        stack.push([x, `${path}.${k}`]);
      }
    }
  }
  return undefined;
}
