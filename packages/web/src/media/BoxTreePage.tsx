/**
 * `…/segments/{n}` (app.md §7.3): every box of one segment as an expandable tree with type,
 * offset, size and every field (binary fields cut by the server), expand all, collapse all,
 * download the JSON, previous and next segment. Box fields are untrusted text: rendered as text.
 */
import { useEffect, useState } from 'preact/hooks';
import { Page, PageTitle, useReadyMarker } from '../shell.tsx';
import '../streams/streams.css';
import { getJson, type BoxNode, type MediaFile } from '../streams/api.ts';
import { fileCrumbs, loadFileByName } from './load-file.ts';

function fieldText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function Box({ node, open }: { node: BoxNode; open: boolean }) {
  return (
    <details open={open} class="box-node" data-box={node.type}>
      <summary>
        <code>{node.type}</code> @ {node.offset}, {node.size} bytes
        {node.error && <span class="file-error"> — {node.error}</span>}
      </summary>
      <dl>
        {Object.entries(node.fields).map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>
              <code>{fieldText(v)}</code>
            </dd>
          </div>
        ))}
      </dl>
      {node.children?.map((c, i) => (
        <Box key={`${c.type}-${i}`} node={c} open={open} />
      ))}
    </details>
  );
}

/** The tree with expand all, collapse all and download JSON (also used by `/inspect`, app.md §7.4). */
export function BoxTreeView({ boxes, downloadName }: { boxes: BoxNode[]; downloadName: string }) {
  const [open, setOpen] = useState(true);
  const [generation, setGeneration] = useState(0);
  const setAll = (value: boolean) => {
    setOpen(value);
    setGeneration((g) => g + 1);
  };
  const download = () => {
    const blob = new Blob([JSON.stringify(boxes, null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = downloadName;
    a.click();
    URL.revokeObjectURL(a.href);
  };
  return (
    <>
      <div role="group">
        <button type="button" class="secondary" onClick={() => setAll(true)}>
          Expand all
        </button>
        <button type="button" class="secondary" onClick={() => setAll(false)}>
          Collapse all
        </button>
        <button type="button" class="secondary" onClick={download}>
          Download JSON
        </button>
      </div>
      <div key={generation} data-testid="box-tree">
        {boxes.map((b, i) => (
          <Box key={`${b.type}-${i}`} node={b} open={open} />
        ))}
      </div>
    </>
  );
}

export function BoxTreePage({ match }: { match: RegExpExecArray }) {
  const directory = decodeURIComponent(match[1]!);
  const name = decodeURIComponent(match[2]!);
  const n = Number(match[3]);
  const [file, setFile] = useState<MediaFile | null>(null);
  const [boxes, setBoxes] = useState<BoxNode[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    loadFileByName(directory, name)
      .then(async (f) => {
        setFile(f);
        setBoxes(await getJson<BoxNode[]>(`/api/files/${f.id}/segments/${n}/boxes`));
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [directory, name, n]);
  useReadyMarker(boxes !== null || error !== null);
  const base = `/streams/${encodeURIComponent(directory)}/files/${encodeURIComponent(name)}/segments`;
  return (
    <Page>
      <PageTitle
        title={`Segment ${n}`}
        crumbs={[...fileCrumbs(directory, name), { label: 'Segments', href: base }]}
      />
      {error && <p role="alert">{error}</p>}
      <p>
        {n > 0 && <a href={`${base}/${n - 1}`}>Previous segment</a>}{' '}
        {file?.numSegments !== null && file !== null && n < (file.numSegments ?? 0) && (
          <a href={`${base}/${n + 1}`}>Next segment</a>
        )}
      </p>
      {boxes && <BoxTreeView boxes={boxes} downloadName={`${name}-segment-${n}.json`} />}
    </Page>
  );
}
