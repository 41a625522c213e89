/** Whether ffmpeg is on the PATH (`daapTranscode=auto`, daap.md §11.1): FLAC and Ogg need it. */
import { execFile } from 'node:child_process';

export function hasFfmpeg(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('ffmpeg', ['-version'], { timeout: 5000 }, (err) => resolve(!err));
  });
}
