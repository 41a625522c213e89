/**
 * `/streams/{directory}/files/{name}` (app.md §7.1): what the index says about one media file —
 * size, hash, index state, content type, track, language, codecs, bitrates, encryption and KIDs,
 * segment duration, duration, **Number of Segments** (linked to the segment list), per-type facts,
 * then the error records.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Page, PageTitle, useReadyMarker } from '../shell.tsx';
import '../streams/streams.css';
import { formatBitrate, getJson, type MediaFile, type SegmentRow } from '../streams/api.ts';
import { fileCrumbs, loadFileByName } from './load-file.ts';

function Row({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{children}</td>
    </tr>
  );
}

export function MediaInfoPage({ match }: { match: RegExpExecArray }) {
  const directory = decodeURIComponent(match[1]!);
  const name = decodeURIComponent(match[2]!);
  const [file, setFile] = useState<MediaFile | null>(null);
  const [timing, setTiming] = useState<{ timescale: number; first: SegmentRow | undefined } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    loadFileByName(directory, name)
      .then((f) => {
        setFile(f);
        if (f.numSegments !== null) {
          getJson<{ timescale: number; segments: SegmentRow[] }>(`/api/files/${f.id}/segments`)
            .then((l) => setTiming({ timescale: l.timescale, first: l.segments[1] }))
            .catch(() => undefined);
        }
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [directory, name]);
  useReadyMarker(file !== null || error !== null);

  return (
    <Page>
      <PageTitle title={name} crumbs={fileCrumbs(directory)} />
      {error && <p role="alert">{error}</p>}
      {file && (
        <>
          <table data-testid="media-info">
            <tbody>
              <Row label="File name">{file.fileName}</Row>
              <Row label="Stream">
                <a href={`/streams/${encodeURIComponent(directory)}`}>{directory}</a>
              </Row>
              <Row label="Size">{file.size} bytes</Row>
              <Row label="SHA-256">
                <code>{file.sha256}</code>
              </Row>
              <Row label="Index state">{file.indexState}</Row>
              <Row label="Content type">{file.contentType ?? ''}</Row>
              <Row label="Track id">{file.trackId ?? ''}</Row>
              <Row label="Language">{file.language ?? ''}</Row>
              <Row label="MIME type">{file.mimeType ?? ''}</Row>
              <Row label="Codecs">{file.codecs ?? ''}</Row>
              <Row label="Bitrate">{formatBitrate(file.bitrate)}</Row>
              <Row label="Maximum bitrate">{formatBitrate(file.maxBitrate)}</Row>
              <Row label="Encrypted">
                {file.encrypted ? 'yes' : 'no'}
                {file.defaultKid && (
                  <>
                    {' '}
                    (default KID <a href={`/keys/${file.defaultKid}`}>{file.defaultKid}</a>)
                  </>
                )}
              </Row>
              {file.kids.length > 0 && (
                <Row label="KIDs">
                  {file.kids.map((k) => (
                    <div key={k}>
                      <a href={`/keys/${k}`}>{k}</a>
                    </div>
                  ))}
                </Row>
              )}
              <Row label="Timescale">{file.timescale ?? timing?.timescale ?? ''}</Row>
              <Row label="Start number">{file.startNumber ?? ''}</Row>
              {timing?.first && (
                <Row label="Start time">
                  {timing.first.start} ({timing.first.startSeconds} s)
                </Row>
              )}
              <Row label="Segment duration">
                {file.segmentDurationSeconds !== null ? `${file.segmentDurationSeconds} s` : ''}
              </Row>
              <Row label="Duration">{file.durationSeconds !== null ? `${file.durationSeconds} s` : ''}</Row>
              <Row label="Number of Segments">
                {file.numSegments !== null && (
                  <a
                    href={`/streams/${encodeURIComponent(directory)}/files/${encodeURIComponent(name)}/segments`}
                  >
                    {file.numSegments}
                  </a>
                )}
              </Row>
              {file.width !== undefined && (
                <Row label="Resolution">
                  {file.width}×{file.height}
                </Row>
              )}
              {file.frameRate !== undefined && <Row label="Frame rate">{file.frameRate}</Row>}
              {file.sar !== undefined && <Row label="SAR">{file.sar}</Row>}
              {file.nalLengthSize !== undefined && (
                <Row label="NAL length size">{file.nalLengthSize} bytes</Row>
              )}
              {file.textFormat !== undefined && (
                <Row label="Text format">
                  {file.textFormat}
                  {file.textMimeType ? ` (${file.textMimeType})` : ''}
                </Row>
              )}
              {file.sampleRate !== undefined && <Row label="Sample rate">{file.sampleRate} Hz</Row>}
              {file.channels !== undefined && <Row label="Channels">{file.channels}</Row>}
            </tbody>
          </table>
          <h2>Error records</h2>
          {file.errors.length === 0 ? (
            <p>None.</p>
          ) : (
            <ul>
              {file.errors.map((e) => (
                <li key={e.reason}>
                  <strong>{e.reason}</strong> ({e.severity}): {e.details}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Page>
  );
}
