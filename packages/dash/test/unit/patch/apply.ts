/**
 * A small RFC 5261 engine for the selectors ISO/IEC 23009-1 5.15 allows (`/MPD/Name[@id='x']`,
 * `Name[k]`, a final `@attr`), used to check that a patch turns the base MPD into the current one.
 */
import { DOMParser, type Element, type Node } from '@xmldom/xmldom';
import { childElements, MPD_NAMESPACE, PATCH_NAMESPACE } from '../../../src/patch/diff.js';

type Target = { element: Element; attribute?: string };

function select(root: Element, sel: string): Target {
  const steps = sel.split('/').slice(1);
  if (steps.shift() !== 'MPD' || (root.localName ?? root.nodeName) !== 'MPD')
    throw new Error(`bad selector ${sel}`);
  let e = root;
  for (const s of steps) {
    if (s.startsWith('@')) return { element: e, attribute: s.slice(1) };
    const m = /^([A-Za-z]+)(?:\[@id='([^']*)'\]|\[([0-9]+)\])?$/.exec(s);
    if (!m) throw new Error(`bad step ${s} in ${sel}`);
    const named = childElements(e).filter((c) => (c.localName ?? c.nodeName) === m[1]);
    const next =
      m[2] !== undefined ? named.find((c) => c.getAttribute('id') === m[2]) : named[Number(m[3] ?? 1) - 1];
    if (!next) throw new Error(`selector ${sel} matches nothing at ${s}`);
    e = next;
  }
  return { element: e };
}

const text = (e: Element): string => {
  let out = '';
  for (let n: Node | null = e.firstChild; n; n = n.nextSibling) out += n.nodeValue ?? '';
  return out;
};

/** Applies every operation of `patchXml` to the MPD document `mpd`, in order. */
export function applyPatch(mpdXml: string, patchXml: string): Element {
  const doc = new DOMParser().parseFromString(mpdXml, 'text/xml');
  const root = doc.documentElement!;
  const patch = new DOMParser().parseFromString(patchXml, 'text/xml').documentElement!;
  if (patch.namespaceURI !== PATCH_NAMESPACE) throw new Error('not a patch document');
  for (const op of childElements(patch)) {
    const sel = op.getAttribute('sel')!;
    const t = select(root, sel);
    const content = childElements(op)[0];
    if (content && content.namespaceURI !== MPD_NAMESPACE)
      throw new Error(`${sel}: element content outside the MPD namespace`);
    const node = content ? doc.importNode<Element>(content, true) : null;
    switch (op.localName) {
      case 'replace':
        if (t.attribute) t.element.setAttribute(t.attribute, text(op));
        else t.element.parentNode!.replaceChild(node!, t.element);
        break;
      case 'remove':
        if (t.attribute) {
          if (!t.element.hasAttribute(t.attribute)) throw new Error(`${sel}: no such attribute`);
          t.element.removeAttribute(t.attribute);
        } else t.element.parentNode!.removeChild(t.element);
        break;
      case 'add': {
        const type = op.getAttribute('type');
        const pos = op.getAttribute('pos');
        if (type?.startsWith('@')) t.element.setAttribute(type.slice(1), text(op));
        else if (pos === 'after') t.element.parentNode!.insertBefore(node!, t.element.nextSibling);
        else if (pos === 'before') t.element.parentNode!.insertBefore(node!, t.element);
        else if (pos === 'prepend') t.element.insertBefore(node!, t.element.firstChild);
        else t.element.appendChild(node!);
        break;
      }
      default:
        throw new Error(`unknown operation ${op.localName}`);
    }
  }
  return root;
}
