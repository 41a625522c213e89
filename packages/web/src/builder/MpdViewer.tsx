/**
 * "View manifest" (app.md §9.3): the MPD as highlighted XML, with its URL editable and a reload
 * button. The highlighter only splits the text into tokens and renders each as a text node in a
 * span (§15: no markup from the document ever reaches the page as markup).
 */
import { useEffect, useState } from 'preact/hooks';

export type XmlToken = { kind: 'tag' | 'attr' | 'value' | 'comment' | 'text' | 'punct'; text: string };

const TAG = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<[^>]*>/g;
const INSIDE = /^(<\/?|<\?)([^\s/>?]*)([\s\S]*?)(\/?>|\?>)$/;
const ATTR = /(\s+)([^\s=]+)(\s*=\s*)("[^"]*"|'[^']*')?/g;

/** Splits XML text into highlighter tokens; joined back, the tokens give the text unchanged. */
export function xmlTokens(xml: string): XmlToken[] {
  const out: XmlToken[] = [];
  let at = 0;
  for (const m of xml.matchAll(TAG)) {
    if (m.index > at) out.push({ kind: 'text', text: xml.slice(at, m.index) });
    at = m.index + m[0].length;
    const tag = m[0];
    const parts = tag.startsWith('<!--') ? null : INSIDE.exec(tag);
    if (!parts) {
      out.push({ kind: tag.startsWith('<!--') ? 'comment' : 'tag', text: tag });
      continue;
    }
    out.push({ kind: 'punct', text: parts[1]! }, { kind: 'tag', text: parts[2]! });
    const inner = parts[3]!;
    let last = 0;
    for (const a of inner.matchAll(ATTR)) {
      if (a.index > last) out.push({ kind: 'text', text: inner.slice(last, a.index) });
      out.push({ kind: 'text', text: a[1]! }, { kind: 'attr', text: a[2]! }, { kind: 'punct', text: a[3]! });
      if (a[4]) out.push({ kind: 'value', text: a[4] });
      last = a.index + a[0].length;
    }
    if (last < inner.length) out.push({ kind: 'text', text: inner.slice(last) });
    out.push({ kind: 'punct', text: parts[4]! });
  }
  if (at < xml.length) out.push({ kind: 'text', text: xml.slice(at) });
  return out;
}

export function MpdViewer({ url, text }: { url: string; text: string | null }) {
  const [shownUrl, setShownUrl] = useState(url);
  const [shown, setShown] = useState<string | null>(text);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The builder's URL and its checked text win whenever they change.
  useEffect(() => {
    setShownUrl(url);
    setShown(text);
    setProblem(null);
  }, [url, text]);

  const reload = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const res = await fetch(shownUrl);
      const body = await res.text();
      if (res.ok) setShown(body);
      else setProblem(`The server answered ${res.status}: ${body.slice(0, 300)}`);
    } catch (e) {
      setProblem(`Could not fetch ${shownUrl}: ${String(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <details class="mpd-preview">
      <summary>View manifest</summary>
      <div role="group">
        <input
          type="text"
          aria-label="Manifest URL to view"
          value={shownUrl}
          spellcheck={false}
          onInput={(e) => setShownUrl(e.currentTarget.value)}
        />
        <button type="button" aria-busy={busy} onClick={() => void reload()}>
          Reload
        </button>
      </div>
      {problem && (
        <p class="form-error" role="alert">
          {problem}
        </p>
      )}
      {shown !== null && (
        <pre>
          <code class="xml">
            {xmlTokens(shown).map((t, i) =>
              t.kind === 'text' ? (
                t.text
              ) : (
                <span key={i} class={`xml-${t.kind}`}>
                  {t.text}
                </span>
              ),
            )}
          </code>
        </pre>
      )}
    </details>
  );
}
