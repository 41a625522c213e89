/**
 * DOC_XSD (validator.md §4.1): Debian's `xmllint --nonet --noout --schema` over the manifest text
 * on stdin when it is on PATH, otherwise the optional `xmllint-wasm` package in process (the same
 * libxml2, so the same messages and lines). The caller checks `xsdAvailable()` first (a usage
 * error of the CLI and a start-up error of the web service otherwise).
 */
import { execFile, execFileSync } from 'node:child_process';
import { validateXsdWasm, xsdMessage, xsdWasmAvailable, type XsdMessage } from './xsd-wasm.js';

export type { XsdMessage } from './xsd-wasm.js';

/** Which libxml2 runs the schema: the `xmllint` binary or `xmllint-wasm` in process. */
export type XsdEngine = 'xmllint' | 'wasm';

let binary: boolean | undefined;

function xmllintOnPath(): boolean {
  if (binary === undefined) {
    try {
      execFileSync('xmllint', ['--version'], { stdio: 'ignore' });
      binary = true;
    } catch {
      binary = false;
    }
  }
  return binary;
}

/** The engine a run uses: the binary when present (about 10× faster), else the wasm build. */
export function xsdEngine(): XsdEngine | undefined {
  if (xmllintOnPath()) return 'xmllint';
  return xsdWasmAvailable() ? 'wasm' : undefined;
}

export function xsdAvailable(): boolean {
  return xsdEngine() !== undefined;
}

/**
 * Validates one manifest; `engine` forces one (tests compare both), by default `xsdEngine()`.
 * Resolves to no messages when neither engine is present (the caller checked beforehand).
 */
export async function validateXsd(
  text: string,
  schemaPath: string,
  signal?: AbortSignal,
  engine: XsdEngine | undefined = xsdEngine(),
): Promise<XsdMessage[]> {
  if (engine === 'wasm') return validateXsdWasm(text, schemaPath);
  if (engine === undefined) return [];
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
          if (m) out.push({ line: Number(m[1]), message: xsdMessage(m[2]!) });
        }
        resolve(out);
      },
    );
    child.stdin?.end(text);
  });
}
