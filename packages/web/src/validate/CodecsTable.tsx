/** The codecs table of validator.md §8.1: one row per Representation. */
import type { CodecInfo } from './socket.ts';

function sizeOrAudio(c: CodecInfo): string {
  if (c.width && c.height) return `${c.width}×${c.height}${c.frameRate ? ` @ ${c.frameRate}` : ''}`;
  if (c.sampleRate) return `${c.sampleRate} Hz${c.channels ? `, ${c.channels} ch` : ''}`;
  return '';
}

export function CodecsTable({ items }: { items: CodecInfo[] }) {
  if (items.length === 0) return null;
  return (
    <section id="codecs">
      <h2>Codecs</h2>
      <table class="codecs striped">
        <thead>
          <tr>
            <th scope="col">Period</th>
            <th scope="col">Representation</th>
            <th scope="col">Content type</th>
            <th scope="col">Codecs</th>
            <th scope="col">Size / audio</th>
            <th scope="col">Bandwidth</th>
            <th scope="col">Encrypted</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={`${c.periodId}/${c.adaptationSetId ?? ''}/${c.representationId}`}>
              <td>{c.periodId}</td>
              <td>{c.representationId}</td>
              <td>{c.contentType}</td>
              <td>
                <code>{c.codecs}</code>
                <div class="muted">{c.description}</div>
              </td>
              <td>{sizeOrAudio(c)}</td>
              <td>{c.bandwidth.toLocaleString()}</td>
              <td>
                {c.encrypted ? `yes${c.scheme ? ` (${c.scheme})` : ''}` : 'no'}
                {c.kids.map((k) => (
                  <div key={k} class="kid">
                    <code>{k}</code>
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
