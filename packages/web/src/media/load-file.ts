/** The media pages address a file by stream and name (app.md §9.2); the API by id. */
import { getJson, streamUrl, type MediaFile, type Stream } from '../streams/api.ts';

export async function loadFileByName(directory: string, name: string): Promise<MediaFile> {
  const stream = await getJson<Stream>(streamUrl(directory));
  const file = stream.files?.find((f) => f.name === name);
  if (!file) throw new Error(`The stream ${directory} has no media file named ${name}.`);
  return file;
}

export const fileCrumbs = (directory: string, name?: string) => [
  { label: 'Streams', href: '/streams' },
  { label: directory, href: `/streams/${encodeURIComponent(directory)}` },
  ...(name
    ? [{ label: name, href: `/streams/${encodeURIComponent(directory)}/files/${encodeURIComponent(name)}` }]
    : []),
];
