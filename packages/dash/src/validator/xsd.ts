/**
 * DOC_XSD (validator.md §4.1): Debian's `xmllint --nonet --noout --schema` over the manifest text
 * on stdin. The caller checks `xsdAvailable()` first (a usage error of the CLI otherwise).
 */
import { execFile, execFileSync } from 'node:child_process';

export interface XsdMessage {
  line: number;
  message: string;
}

export function xsdAvailable(): boolean {
  try {
    execFileSync('xmllint', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function validateXsd(text: string, schemaPath: string, signal?: AbortSignal): Promise<XsdMessage[]> {
  return new Promise((resolve) => {
    const child = execFile(
      'xmllint',
      ['--nonet', '--noout', '--schema', schemaPath, '-'],
      { maxBuffer: 8 * 1024 * 1024, timeout: 30_000, ...(signal && { signal }) },
      (_err, _stdout, stderr) => {
        const out: XsdMessage[] = [];
        for (const line of stderr.split('\n')) {
          // "-:12: element Period: Schemas validity error : Element '…': …"
          const m = /^-:(\d+): (.*)$/.exec(line);
          if (m)
            out.push({ line: Number(m[1]), message: m[2]!.replace(/^.*?Schemas validity error : /, '') });
        }
        resolve(out);
      },
    );
    child.stdin?.end(text);
  });
}
