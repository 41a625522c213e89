/**
 * Manifest and patch documents as DOMs with line ranges (validator.md §3.1: an issue points at
 * its element's start tag through its end tag). @xmldom/xmldom records where a start tag begins;
 * the end lines come from one scan of the text that pairs tags in document order. A DOCTYPE is
 * refused before any parser sees the text (§6.2: no entity expansion).
 */
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';

export interface ElementSpan {
  line: number;
  column: number;
  endLine: number;
}

export interface ParsedXml {
  doc: Document;
  root: Element;
  text: string;
  span(el: Element): ElementSpan;
}

export type XmlResult = { ok: true; xml: ParsedXml } | { ok: false; message: string; line?: number };

/** Start and end lines of every element, in document (pre-)order. */
function scanSpans(text: string): ElementSpan[] {
  const spans: ElementSpan[] = [];
  const stack: number[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const advance = (to: number): void => {
    for (; i < to; i++)
      if (text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    advance(lt);
    if (text.startsWith('<!--', lt)) {
      advance(text.indexOf('-->', lt) < 0 ? text.length : text.indexOf('-->', lt) + 3);
    } else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt);
      advance(end < 0 ? text.length : end + 3);
    } else if (text.startsWith('<?', lt) || text.startsWith('<!', lt)) {
      const end = text.indexOf('>', lt);
      advance(end < 0 ? text.length : end + 1);
    } else if (text.startsWith('</', lt)) {
      const startLine = line;
      const end = text.indexOf('>', lt);
      advance(end < 0 ? text.length : end + 1);
      const open = stack.pop();
      if (open !== undefined) spans[open]!.endLine = startLine;
    } else {
      const span: ElementSpan = { line, column: lt - lineStart + 1, endLine: line };
      // find the end of the tag, skipping quoted attribute values that may hold '>'
      let j = lt + 1;
      let quote = 0;
      for (; j < text.length; j++) {
        const c = text.charCodeAt(j);
        if (quote) {
          if (c === quote) quote = 0;
        } else if (c === 34 || c === 39) quote = c;
        else if (c === 62) break;
      }
      const selfClosing = text.charCodeAt(j - 1) === 47;
      advance(Math.min(j + 1, text.length));
      span.endLine = line;
      spans.push(span);
      if (!selfClosing) stack.push(spans.length - 1);
    }
  }
  return spans;
}

function elementsInOrder(root: Element): Element[] {
  const out: Element[] = [];
  const walk = (el: Element): void => {
    out.push(el);
    for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) walk(c as Element);
  };
  walk(root);
  return out;
}

export function parseXml(text: string): XmlResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const doctype = /<!DOCTYPE/i.exec(body);
  if (doctype) {
    const line = body.slice(0, doctype.index).split('\n').length;
    return { ok: false, message: 'the document has a DOCTYPE, which is not allowed', line };
  }
  let firstError: { message: string; line?: number } | undefined;
  const parser = new DOMParser({
    onError: (level, message) => {
      if (level === 'warning') return;
      firstError ??= { message: message.split('\n')[0]! };
    },
  });
  let doc: Document;
  try {
    doc = parser.parseFromString(body, 'text/xml');
  } catch (err) {
    const message = (err as Error).message.split('\n')[0]!;
    const m = /line:?\s*(\d+)/i.exec((err as Error).message);
    return m ? { ok: false, message, line: Number(m[1]) } : { ok: false, message };
  }
  if (firstError) {
    const m = /line:?\s*(\d+)/i.exec(firstError.message);
    return m ? { ok: false, message: firstError.message, line: Number(m[1]) } : { ok: false, ...firstError };
  }
  const root = doc.documentElement;
  if (!root) return { ok: false, message: 'the document has no root element' };
  const spans = scanSpans(body);
  const elements = elementsInOrder(root);
  const map = new Map<Element, ElementSpan>();
  elements.forEach((el, k) => {
    const s = spans[k];
    const line = (el as unknown as { lineNumber?: number }).lineNumber ?? s?.line ?? 1;
    const column = (el as unknown as { columnNumber?: number }).columnNumber ?? s?.column ?? 1;
    map.set(el, { line, column, endLine: s && s.line === line ? s.endLine : line });
  });
  return {
    ok: true,
    xml: { doc, root, text: body, span: (el) => map.get(el) ?? { line: 1, column: 1, endLine: 1 } },
  };
}

/** Child elements, optionally of one local name. */
export function children(el: Element, localName?: string): Element[] {
  const out: Element[] = [];
  for (let c = el.firstChild; c; c = c.nextSibling)
    if (c.nodeType === 1 && (localName === undefined || (c as Element).localName === localName))
      out.push(c as Element);
  return out;
}

export function child(el: Element, localName: string): Element | undefined {
  return children(el, localName)[0];
}

/** An attribute's value, or undefined when absent. */
export function attr(el: Element, name: string): string | undefined {
  return el.hasAttribute(name) ? el.getAttribute(name)! : undefined;
}

export function textOf(el: Element): string {
  return (el.textContent ?? '').trim();
}
