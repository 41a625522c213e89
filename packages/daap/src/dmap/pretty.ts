// A readable dump of a decoded DMAP tree, for debugging and test failure messages.

import type { DmapNode } from './decode.js';

export function prettyPrint(node: DmapNode, indent = ''): string {
  const label = `${indent}${node.code}${node.name ? ` (${node.name})` : ''}`;
  const v = node.value;
  if (Array.isArray(v)) return [`${label}`, ...v.map((c) => prettyPrint(c, `${indent}  `))].join('\n');
  if (v instanceof Uint8Array) return `${label} = <${v.length} bytes>`;
  if (v instanceof Date) return `${label} = ${v.toISOString()}`;
  if (typeof v === 'object') return `${label} = ${v.major}.${v.minor}.${v.patch}`;
  return `${label} = ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`;
}
