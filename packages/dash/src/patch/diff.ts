/**
 * The MPD patch document (drm-events.md §11.3, ISO/IEC 23009-1 5.15, RFC 5261): the difference
 * of two generated MPDs, found by walking both trees. Period, AdaptationSet and Representation
 * are matched by @id, everything else by name and position among same-named siblings; MPD,
 * Period, AdaptationSet, Representation and SegmentTemplate are descended, any other element that
 * differs is replaced whole. Selectors are computed against the document as already modified
 * by the operations before them.
 */
import { DOMParser, type Element, type Node } from '@xmldom/xmldom';
import { escapeXml } from '../manifest/xml.js';

export const MPD_NAMESPACE = 'urn:mpeg:dash:schema:mpd:2011';
export const PATCH_NAMESPACE = 'urn:mpeg:dash:schema:mpd-patch:2020';

const DESCENDED = new Set(['MPD', 'Period', 'AdaptationSet', 'Representation', 'SegmentTemplate']);
const BY_ID = new Set(['Period', 'AdaptationSet', 'Representation']);
const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_NODE = 4;

export type PatchOperation =
  | { op: 'replace'; sel: string; text?: string; element?: string }
  | { op: 'add'; sel: string; type?: string; pos?: 'after' | 'prepend'; text?: string; element?: string }
  | { op: 'remove'; sel: string };

export function parseXml(xml: string): Element {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const root = doc.documentElement;
  if (!root) throw new Error('no document element');
  return root;
}

const localName = (e: Element): string => e.localName ?? e.nodeName;

export function childElements(e: Element): Element[] {
  const out: Element[] = [];
  for (let n: Node | null = e.firstChild; n; n = n.nextSibling)
    if (n.nodeType === ELEMENT_NODE) out.push(n as Element);
  return out;
}

/** Attributes other than namespace declarations, by name. */
function attributes(e: Element): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < e.attributes.length; i++) {
    const a = e.attributes.item(i)!;
    if (a.name === 'xmlns' || a.name.startsWith('xmlns:')) continue;
    out.set(a.name, a.value);
  }
  return out;
}

/** Canonical text of an element: sorted attributes, whitespace-only text dropped (§11.3 test rule). */
export function canonical(e: Element): string {
  const attrs = [...attributes(e)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let out = `<${e.nodeName}${attrs.map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join('')}>`;
  for (let n: Node | null = e.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === ELEMENT_NODE) out += canonical(n as Element);
    else if ((n.nodeType === TEXT_NODE || n.nodeType === CDATA_NODE) && (n.nodeValue ?? '').trim() !== '')
      out += escapeXml((n.nodeValue ?? '').trim());
  }
  return `${out}</${e.nodeName}>`;
}

/** An element for a patch: MPD default namespace and the prefixes it uses declared (§11.3). */
function serializeForPatch(e: Element, root: Element): string {
  const prefixes = new Set<string>();
  const collect = (x: Element): void => {
    if (x.prefix) prefixes.add(x.prefix);
    for (const name of attributes(x).keys()) {
      const i = name.indexOf(':');
      if (i > 0 && name.slice(0, i) !== 'xml') prefixes.add(name.slice(0, i));
    }
    for (const c of childElements(x)) collect(c);
  };
  collect(e);
  let decls = ` xmlns="${MPD_NAMESPACE}"`;
  for (const p of [...prefixes].sort()) {
    if (e.getAttribute(`xmlns:${p}`)) continue; // declared on the element itself
    const uri = e.lookupNamespaceURI(p) ?? root.getAttribute(`xmlns:${p}`);
    if (uri) decls += ` xmlns:${p}="${escapeXml(uri)}"`;
  }
  return write(e, decls);
}

function write(e: Element, extra = ''): string {
  let attrs = extra;
  for (let i = 0; i < e.attributes.length; i++) {
    const a = e.attributes.item(i)!;
    if (a.name === 'xmlns') continue;
    attrs += ` ${a.name}="${escapeXml(a.value)}"`;
  }
  let body = '';
  for (let n: Node | null = e.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === ELEMENT_NODE) body += write(n as Element);
    else if ((n.nodeType === TEXT_NODE || n.nodeType === CDATA_NODE) && (n.nodeValue ?? '').trim() !== '')
      body += escapeXml(n.nodeValue ?? '');
  }
  return body === '' ? `<${e.nodeName}${attrs}/>` : `<${e.nodeName}${attrs}>${body}</${e.nodeName}>`;
}

const identity = (e: Element): string =>
  BY_ID.has(localName(e)) && e.getAttribute('id') !== null
    ? `${localName(e)}#${e.getAttribute('id')}`
    : localName(e);

/** `Name[@id='x']`, or `Name[k]` with k the 1-based position among same-named elements of `list`. */
function step(e: Element, list: readonly Element[]): string {
  const name = localName(e);
  const id = e.getAttribute('id');
  if (BY_ID.has(name) && id !== null) return `${name}[@id='${id}']`;
  const pos = list.filter((x) => localName(x) === name).indexOf(e) + 1;
  return `${name}[${pos}]`;
}

/** Pairs old children with new ones: by id, else the n-th same-named element with the n-th. */
function match(oldKids: Element[], newKids: Element[]): Map<Element, Element> {
  const pairs = new Map<Element, Element>();
  const pool = new Map<string, Element[]>();
  for (const o of oldKids) {
    const k = identity(o);
    pool.set(k, [...(pool.get(k) ?? []), o]);
  }
  for (const n of newKids) {
    const o = pool.get(identity(n))?.shift();
    if (o) pairs.set(n, o);
  }
  return pairs;
}

interface Ctx {
  ops: PatchOperation[];
  root: Element;
}

function diffAttributes(ctx: Ctx, path: string, a: Element, b: Element, skip?: string): void {
  const before = attributes(a);
  const after = attributes(b);
  for (const [name, value] of after) {
    if (name === skip) continue;
    const old = before.get(name);
    if (old === undefined) ctx.ops.push({ op: 'add', sel: path, type: `@${name}`, text: value });
    else if (old !== value) ctx.ops.push({ op: 'replace', sel: `${path}/@${name}`, text: value });
  }
  for (const name of before.keys())
    if (!after.has(name) && name !== skip) ctx.ops.push({ op: 'remove', sel: `${path}/@${name}` });
}

/**
 * Children of one parent: removals, then the new children in document order (changes of kept
 * ones, additions after their preceding sibling). `current` mirrors the patched child list so
 * positional selectors stay right. `only` limits the pass to some children (MPD: Periods apart).
 */
function diffChildren(
  ctx: Ctx,
  path: string,
  a: Element,
  b: Element,
  only: (e: Element) => boolean = () => true,
): void {
  const oldKids = childElements(a).filter(only);
  const newKids = childElements(b).filter(only);
  const pairs = match(oldKids, newKids);
  const kept = new Set(pairs.values());
  const current = childElements(a);
  for (const o of oldKids) {
    if (kept.has(o)) continue;
    ctx.ops.push({ op: 'remove', sel: `${path}/${step(o, current)}` });
    current.splice(current.indexOf(o), 1);
  }
  let previous: Element | null = null;
  for (const n of newKids) {
    const o = pairs.get(n);
    if (o) {
      diffElement(ctx, `${path}/${step(o, current)}`, o, n);
      previous = o;
      continue;
    }
    const element = serializeForPatch(n, ctx.root);
    if (previous) {
      ctx.ops.push({ op: 'add', sel: `${path}/${step(previous, current)}`, pos: 'after', element });
      current.splice(current.indexOf(previous) + 1, 0, n);
    } else {
      // before every child of the pass: after the last earlier sibling outside it, or first
      const before = childElements(b);
      const anchor = before
        .slice(0, before.indexOf(n))
        .reverse()
        .map((x) => current.find((c) => identity(c) === identity(x) && !only(c)))
        .find((x) => x !== undefined);
      if (anchor) {
        ctx.ops.push({ op: 'add', sel: `${path}/${step(anchor, current)}`, pos: 'after', element });
        current.splice(current.indexOf(anchor) + 1, 0, n);
      } else {
        ctx.ops.push({ op: 'add', sel: path, pos: 'prepend', element });
        current.unshift(n);
      }
    }
    previous = n;
  }
}

function diffElement(ctx: Ctx, path: string, a: Element, b: Element): void {
  if (!DESCENDED.has(localName(b))) {
    if (canonical(a) !== canonical(b))
      ctx.ops.push({ op: 'replace', sel: path, element: serializeForPatch(b, ctx.root) });
    return;
  }
  diffAttributes(ctx, path, a, b);
  diffChildren(ctx, path, a, b);
}

/** Operations turning MPD `base` into MPD `current`, in §11.3's order. */
export function diffMpds(base: Element, current: Element): PatchOperation[] {
  const ctx: Ctx = { ops: [], root: current };
  const publish = current.getAttribute('publishTime');
  if (publish !== null && publish !== base.getAttribute('publishTime'))
    ctx.ops.push({ op: 'replace', sel: '/MPD/@publishTime', text: publish });
  diffAttributes(ctx, '/MPD', base, current, 'publishTime');
  const isPeriod = (e: Element) => localName(e) === 'Period';
  diffChildren(ctx, '/MPD', base, current, (e) => !isPeriod(e));
  diffChildren(ctx, '/MPD', base, current, isPeriod);
  return ctx.ops;
}

/** Attribute text in double quotes: `'` of `[@id='x']` selectors stays readable. */
const attrText = (v: string): string =>
  v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** The Patch document of §11.3. */
export function patchDocument(base: Element, current: Element, ops: readonly PatchOperation[]): string {
  const attr = (name: string, v: string | null) => (v === null ? '' : ` ${name}="${escapeXml(v)}"`);
  let out =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Patch xmlns="${PATCH_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"` +
    ` xsi:schemaLocation="${PATCH_NAMESPACE} DASH-MPD-PATCH.xsd"` +
    attr('mpdId', current.getAttribute('id')) +
    attr('originalPublishTime', base.getAttribute('publishTime')) +
    attr('publishTime', current.getAttribute('publishTime')) +
    '>\n';
  for (const o of ops) {
    if (o.op === 'remove') out += `  <remove sel="${attrText(o.sel)}"/>\n`;
    else {
      const extra = o.op === 'add' ? attr('type', o.type ?? null) + attr('pos', o.pos ?? null) : '';
      const body = o.element ?? escapeXml(o.text ?? '');
      out += `  <${o.op} sel="${attrText(o.sel)}"${extra}>${body}</${o.op}>\n`;
    }
  }
  return `${out}</Patch>\n`;
}
