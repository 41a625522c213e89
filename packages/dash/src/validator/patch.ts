/**
 * §4.12 MPD patches (ISO/IEC 23009-1 5.15, RFC 5261 as 5.15 restricts it): checks a Patch
 * document against the MPD it patches and applies it to a copy. The result is serialised and
 * parsed again, so the patched MPD is shown and referred to like a fetched one (§3.1).
 */
import { DOMParser, XMLSerializer, type Document, type Element, type Node } from '@xmldom/xmldom';
import type { IssueSink } from './issues.js';
import type { MpdModel } from './mpd.js';
import { MPD_NS } from './mpd.js';
import type { IssueLocation } from './types.js';
import { attr, children, parseXml, textOf, type ParsedXml } from './xml.js';
import { parseXsDateTime } from './xs-time.js';

export const PATCH_NS = 'urn:mpeg:dash:schema:mpd-patch:2020';
const BY_ID = new Set(['Period', 'AdaptationSet', 'Representation']);

export type PatchOutcome = { ok: true; text: string } | { ok: false };

type Target = { kind: 'element'; el: Element } | { kind: 'attribute'; el: Element; name: string };

/** Resolves a restricted XPath (`/MPD/Period[@id='p0']/SegmentTemplate[1]/@media`). */
function select(doc: Document, sel: string): { target?: Target; reason?: string; byPosition?: string } {
  if (!sel.startsWith('/')) return { reason: 'is not an absolute path' };
  const steps = sel.slice(1).split('/');
  let current: Element[] = [doc as unknown as Element];
  let byPosition: string | undefined;
  for (let k = 0; k < steps.length; k++) {
    const step = steps[k]!;
    if (step.startsWith('@')) {
      if (k !== steps.length - 1) return { reason: `has an attribute step ${step} before its end` };
      if (current.length !== 1) return { reason: `selects ${current.length} elements before ${step}` };
      return {
        target: { kind: 'attribute', el: current[0]!, name: step.slice(1) },
        ...(byPosition && { byPosition }),
      };
    }
    const m = /^(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)(?:\[(?:@id=(['"])(.*?)\2|(\d+))\])?$/.exec(step);
    if (!m) return { reason: `has the step "${step}", which the validator does not support` };
    const [, name, , id, pos] = m;
    if (BY_ID.has(name!) && pos !== undefined) byPosition ??= step;
    const next: Element[] = [];
    for (const c of current) {
      const list = children(c, name).filter((e) => id === undefined || attr(e, 'id') === id);
      if (pos !== undefined) {
        const e = list[Number(pos) - 1];
        if (e) next.push(e);
      } else next.push(...list);
    }
    current = next;
  }
  if (current.length !== 1) return { reason: `selects ${current.length} nodes, not one` };
  return { target: { kind: 'element', el: current[0]! }, ...(byPosition && { byPosition }) };
}

function elementChildren(op: Element): Element[] {
  return children(op);
}

export interface PatchInput {
  previous: MpdModel;
  text: string;
  url: string;
  headers: Record<string, string>;
  sink: IssueSink;
}

export function applyPatch(input: PatchInput): PatchOutcome {
  const { previous, sink, url } = input;
  const loc = (el?: Element, xml?: ParsedXml): IssueLocation => {
    if (!el || !xml) return { kind: 'patch', url };
    const s = xml.span(el);
    return { kind: 'patch', url, line: s.line, endLine: s.endLine };
  };
  const ct = (input.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (ct !== 'application/dash-patch+xml')
    sink.add(
      'PATCH_CONTENT_TYPE',
      `Content-Type is "${input.headers['content-type'] ?? ''}", not application/dash-patch+xml`,
      loc(),
    );
  const parsed = parseXml(input.text);
  if (!parsed.ok) {
    sink.add('PATCH_ROOT', `the patch is not well-formed XML: ${parsed.message}`, loc());
    return { ok: false };
  }
  const xml = parsed.xml;
  const root = xml.root;
  if (root.localName !== 'Patch' || root.namespaceURI !== PATCH_NS) {
    sink.add(
      'PATCH_ROOT',
      `the root element is {${root.namespaceURI ?? ''}}${root.localName}, not {${PATCH_NS}}Patch`,
      loc(root, xml),
    );
    return { ok: false };
  }
  const mpdId = attr(root, 'mpdId');
  const original = attr(root, 'originalPublishTime');
  const publish = attr(root, 'publishTime');
  const missing = [
    mpdId === undefined && '@mpdId',
    original === undefined && '@originalPublishTime',
    publish === undefined && '@publishTime',
  ].filter(Boolean);
  if (missing.length) {
    sink.add('PATCH_ATTRS', `the Patch lacks ${missing.join(', ')}`, loc(root, xml));
    return { ok: false };
  }
  let ok = true;
  if (mpdId !== previous.id) {
    sink.add(
      'PATCH_MATCH',
      `Patch@mpdId "${mpdId}" differs from MPD@id "${previous.id ?? ''}"`,
      loc(root, xml),
    );
    ok = false;
  }
  const originalMs = parseXsDateTime(original!);
  const publishMs = parseXsDateTime(publish!);
  if (originalMs !== previous.publishTime) {
    sink.add(
      'PATCH_MATCH',
      `Patch@originalPublishTime ${original} differs from the patched MPD's publishTime ${previous.publishTime !== undefined ? new Date(previous.publishTime).toISOString() : '(none)'}`,
      loc(root, xml),
    );
    ok = false;
  }
  if (originalMs !== undefined && publishMs !== undefined && publishMs <= originalMs) {
    sink.add(
      'PATCH_MATCH',
      `Patch@publishTime ${publish} is not after @originalPublishTime ${original}`,
      loc(root, xml),
    );
    ok = false;
  }
  if (!ok) return { ok: false };
  // apply to a copy of the previous MPD
  const doc = new DOMParser().parseFromString(previous.xml.text, 'text/xml');
  let replacedPublish = false;
  for (const op of elementChildren(root)) {
    const name = op.localName;
    const sel = attr(op, 'sel');
    if (!['add', 'replace', 'remove'].includes(name ?? '') || sel === undefined) {
      sink.add(
        'PATCH_OPS',
        `operation <${name}>${sel === undefined ? ' without @sel' : ''} is not add, replace or remove with @sel`,
        loc(op, xml),
      );
      return { ok: false };
    }
    const found = select(doc, sel);
    if (found.byPosition)
      sink.add(
        'PATCH_SEL',
        `@sel "${sel}" selects ${found.byPosition.replace(/\[.*/, '')} by position (${found.byPosition}), not by @id`,
        loc(op, xml),
      );
    if (!found.target) {
      sink.add('PATCH_SEL', `@sel "${sel}" ${found.reason ?? 'selects nothing'}`, loc(op, xml));
      return { ok: false };
    }
    const t = found.target;
    const newElements = elementChildren(op);
    for (const e of newElements)
      if (e.namespaceURI !== MPD_NS)
        sink.add(
          'PATCH_NAMESPACE',
          `<${e.localName}> in the ${name} is in namespace "${e.namespaceURI ?? ''}", not the MPD namespace`,
          loc(op, xml),
        );
    const imported = (): Node[] => newElements.map((e) => doc.importNode(e, true));
    try {
      if (name === 'replace') {
        if (t.kind === 'attribute') {
          if (!t.el.hasAttribute(t.name)) throw new Error(`attribute @${t.name} does not exist`);
          t.el.setAttribute(t.name, textOf(op));
          if (t.el.localName === 'MPD' && t.name === 'publishTime') {
            replacedPublish = parseXsDateTime(textOf(op)) === publishMs;
          }
        } else {
          const nodes = imported();
          if (nodes.length !== 1) throw new Error(`a replace of an element holds ${nodes.length} elements`);
          t.el.parentNode!.replaceChild(nodes[0]!, t.el);
        }
      } else if (name === 'remove') {
        if (t.kind === 'attribute') t.el.removeAttribute(t.name);
        else t.el.parentNode!.removeChild(t.el);
      } else {
        const type = attr(op, 'type');
        const pos = attr(op, 'pos');
        if (t.kind === 'attribute') throw new Error('add selects an attribute');
        if (type?.startsWith('@')) t.el.setAttribute(type.slice(1), textOf(op));
        else {
          const nodes = imported();
          if (pos === 'before') for (const n of nodes) t.el.parentNode!.insertBefore(n, t.el);
          else if (pos === 'after')
            for (const n of nodes.reverse()) t.el.parentNode!.insertBefore(n, t.el.nextSibling);
          else if (pos === 'prepend') for (const n of nodes.reverse()) t.el.insertBefore(n, t.el.firstChild);
          else for (const n of nodes) t.el.appendChild(n);
        }
      }
    } catch (err) {
      sink.add('PATCH_APPLY', `${name} "${sel}" does not apply: ${(err as Error).message}`, loc(op, xml));
      return { ok: false };
    }
  }
  if (!replacedPublish) {
    sink.add(
      'PATCH_PUBLISH',
      `the patch does not replace /MPD/@publishTime with its @publishTime ${publish}`,
      loc(root, xml),
    );
    return { ok: false };
  }
  const text = new XMLSerializer().serializeToString(doc);
  return {
    ok: true,
    text: text.startsWith('<?xml') ? text : `<?xml version="1.0" encoding="UTF-8"?>\n${text}`,
  };
}
