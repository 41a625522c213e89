/**
 * `/keys`, `/keys/.add` and `/keys/{kid}` (app.md §8, §9.2): every content key with its KID (hex
 * and UUID), value (media users only), computed badge, algorithm, origin and users; add (a KID
 * alone gets the key computed from the PlayReady test seed), edit (a real key, or empty to compute
 * again; the algorithm) and delete (refused while files or streams use it).
 */
import { useEffect, useState } from 'preact/hooks';
import { getSession } from '../account/api.ts';
import { useResource } from '../resource.ts';
import { Page, PageTitle, useReadyMarker } from '../shell.tsx';
import {
  addKey,
  deleteKey,
  failureText,
  getKey,
  listKeys,
  updateKey,
  uuidOf,
  type ContentKey,
  type KeyAlg,
} from './api.ts';

const HIDDEN = 'hidden here; public through /clearkey when a stream uses it';
const WARNING =
  'loopcast is for test content: keys here are served to any player by the ClearKey licence server. Never store keys that protect real content.';

function useMedia(): boolean {
  const [media, setMedia] = useState(false);
  useEffect(() => {
    getSession()
      .then((s) => setMedia(s.permissions.media))
      .catch(() => setMedia(false));
  }, []);
  return media;
}

function KeyValue({ k }: { k: ContentKey }) {
  return (
    <>
      <code>{k.key ?? HIDDEN}</code>
      {k.computed && (
        <small
          class="badge"
          title="Computed from the KID with the PlayReady test key seed: anyone can derive it"
        >
          {' '}
          computed
        </small>
      )}
    </>
  );
}

function AddKeyForm({ onAdded }: { onAdded: (k: ContentKey) => void }) {
  const [kid, setKid] = useState('');
  const [key, setKey] = useState('');
  const [alg, setAlg] = useState<KeyAlg>('AESCTR');
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      onAdded(await addKey({ kid, ...(key.trim() ? { key } : {}), alg }));
      setKid('');
      setKey('');
    } catch (err) {
      setError(failureText(err));
    }
  };
  return (
    <form id="add-key" onSubmit={(e) => void submit(e)}>
      <fieldset class="grid">
        <label>
          KID
          <input
            name="kid"
            required
            value={kid}
            onInput={(e) => setKid(e.currentTarget.value)}
            aria-invalid={error?.field === 'kid' ? 'true' : undefined}
          />
        </label>
        <label>
          Key (empty: computed from the KID)
          <input
            name="key"
            value={key}
            onInput={(e) => setKey(e.currentTarget.value)}
            aria-invalid={error?.field === 'key' ? 'true' : undefined}
          />
        </label>
        <label>
          Algorithm
          <select name="alg" value={alg} onChange={(e) => setAlg(e.currentTarget.value as KeyAlg)}>
            <option value="AESCTR">AESCTR (cenc)</option>
            <option value="AESCBC">AESCBC (cbcs)</option>
          </select>
        </label>
      </fieldset>
      {error && (
        <p class="form-error" role="alert">
          {error.message}
        </p>
      )}
      <button type="submit">Add key</button>
    </form>
  );
}

export function KeysPage({ match }: { match: RegExpExecArray }) {
  const adding = match[0].endsWith('/.add');
  const media = useMedia();
  const { value: keys, error, reload, mutate } = useResource(listKeys);
  const remove = (k: ContentKey) => mutate(() => deleteKey(k.kid));

  return (
    <Page>
      <PageTitle title="Keys" crumbs={[{ label: 'Home', href: '/' }]} />
      <p>
        <small>{WARNING}</small>
      </p>
      {media && !adding && (
        <p>
          <a href="/keys/.add" role="button" id="add-key-link">
            Add key
          </a>
        </p>
      )}
      {media && adding && <AddKeyForm onAdded={() => void reload()} />}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {keys === null && !error && <p aria-busy="true">Loading keys…</p>}
      {keys && (
        <div class="overflow-auto">
          <table class="keys-table striped">
            <thead>
              <tr>
                <th scope="col">KID</th>
                <th scope="col">Key</th>
                <th scope="col">Algorithm</th>
                <th scope="col">Origin</th>
                <th scope="col">Used by</th>
                {media && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.kid} data-kid={k.kid}>
                  <td>
                    <a href={`/keys/${k.kid}`}>
                      <code>{k.kid}</code>
                    </a>
                    <br />
                    <small>{uuidOf(k.kid)}</small>
                  </td>
                  <td>
                    <KeyValue k={k} />
                  </td>
                  <td>{k.alg}</td>
                  <td>{k.origin}</td>
                  <td>
                    {[
                      ...(k.fileIds.length
                        ? [`${k.fileIds.length} media file${k.fileIds.length > 1 ? 's' : ''}`]
                        : []),
                      ...k.streams.map((s) => `on-the-fly KID of ${s}`),
                    ].join('; ') || '–'}
                  </td>
                  {media && (
                    <td class="actions">
                      <a href={`/keys/${k.kid}`} class="secondary">
                        Edit
                      </a>{' '}
                      {k.fileIds.length === 0 && k.streams.length === 0 && (
                        <button type="button" class="outline contrast" onClick={() => void remove(k)}>
                          Delete
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}

export function KeyPage({ match }: { match: RegExpExecArray }) {
  const kid = decodeURIComponent(match[1] ?? '');
  const media = useMedia();
  const [k, setK] = useState<ContentKey | null>(null);
  const [value, setValue] = useState('');
  const [alg, setAlg] = useState<KeyAlg>('AESCTR');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  useReadyMarker(k !== null || error !== null);
  useEffect(() => {
    getKey(kid)
      .then((found) => {
        setK(found);
        setAlg(found.alg);
        setValue(found.computed ? '' : (found.key ?? ''));
      })
      .catch((e: unknown) => setError(failureText(e).message));
  }, [kid]);

  const save = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      const next = await updateKey(kid, { key: value.trim() ? value : null, alg });
      setK(next);
      setSaved(true);
    } catch (err) {
      setError(failureText(err).message);
    }
  };

  return (
    <Page>
      <PageTitle
        title={`Key ${kid}`}
        crumbs={[
          { label: 'Home', href: '/' },
          { label: 'Keys', href: '/keys' },
        ]}
      />
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {k && (
        <>
          <p>
            UUID form <code>{uuidOf(k.kid)}</code>; key <KeyValue k={k} />; origin {k.origin}.
          </p>
          {media && (
            <form id="edit-key" onSubmit={(e) => void save(e)}>
              <label>
                Key (empty: computed from the KID with the PlayReady test key seed)
                <input name="key" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
              </label>
              <label>
                Algorithm
                <select name="alg" value={alg} onChange={(e) => setAlg(e.currentTarget.value as KeyAlg)}>
                  <option value="AESCTR">AESCTR (cenc)</option>
                  <option value="AESCBC">AESCBC (cbcs)</option>
                </select>
              </label>
              <button type="submit">Save</button>
              {saved && <p role="status">Saved.</p>}
            </form>
          )}
        </>
      )}
    </Page>
  );
}
