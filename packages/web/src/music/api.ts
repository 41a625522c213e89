/**
 * The music page's reads (daap.md §11.5, app.md §4.6): the library, the DAAP status and its
 * sessions. These routes need a login, so a 401 sends the browser to `/login?next=…` (app.md §9.1).
 */
export interface MusicTrack {
  id: number;
  title: string;
  artist: string | null;
  album: string | null;
  trackNumber: number | null;
  trackCount: number | null;
  discNumber: number | null;
  discCount: number | null;
  durationMs: number;
  format: string;
  source: 'demo' | 'upload' | 'folder';
  hasArtwork: boolean;
  tagError: string | null;
  createdAt: string;
}

export interface MusicListing {
  total: number;
  items: MusicTrack[];
}

export interface DaapStatus {
  enabled: boolean;
  name: string;
  port: number;
  passwordSet: boolean;
  mdns: { state: 'off' | 'advertising' | 'failed'; advertisedName: string | null };
  revision: number;
}

export interface DaapSession {
  id: number;
  userAgent: string;
  client: string;
  address: string;
  state: 'connecting' | 'connected' | 'streaming';
  heldRevision: number;
  since: string;
  lastSeen: string;
  requests: number;
  itemsStreamed: number;
  bytesStreamed: number;
}

export type MusicSort = 'title' | 'artist' | 'album' | 'added';

export class LoginNeeded extends Error {}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (res.status === 401) {
    location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    throw new LoginNeeded('Log in to see the music library.');
  }
  if (!res.ok) {
    let message = `The server answered ${res.status}.`;
    let code = '';
    try {
      const body = (await res.json()) as { error?: { message?: string; code?: string } };
      if (body.error?.message) message = body.error.message;
      code = body.error?.code ?? '';
    } catch {
      /* not JSON */
    }
    // An account that must change its password does that first (app.md §3.3).
    if (code === 'password_change_required') {
      location.assign(`/change-password?next=${encodeURIComponent(location.pathname + location.search)}`);
      throw new LoginNeeded(message);
    }
    throw new Error(message);
  }
  return (await res.json()) as T;
}

export function fetchLibrary(q: string, sort: MusicSort): Promise<MusicListing> {
  const query = new URLSearchParams({ sort, limit: '1000' });
  if (q.trim()) query.set('q', q.trim());
  return getJson(`/api/music?${query.toString()}`);
}

export const fetchDaapStatus = (): Promise<DaapStatus> => getJson('/api/daap/status');
export const fetchDaapSessions = (): Promise<DaapSession[]> => getJson('/api/daap/sessions');
