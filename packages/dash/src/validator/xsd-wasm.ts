/**
 * The in-process DOC_XSD engine (validator.md §4.1): the optional `xmllint-wasm` package (an
 * optional dependency of the server, stack.md), loaded with a dynamic import so that this package
 * neither depends on it nor on the server. Its libxml2 runs in an in-memory file system: the
 * schema goes in under its own name, and every schema it imports or includes by a relative
 * `schemaLocation` (DASH-MPD.xsd imports xlink.xsd) is preloaded beside it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, sep } from 'node:path';

/** One schema message: the manifest line and libxml2's text. */
export interface XsdMessage {
  line: number;
  message: string;
}

/** Strips libxml2's "element X: Schemas validity error : " lead-in, which differs per engine. */
export function xsdMessage(text: string): string {
  return text.replace(/^.*?Schemas validity error : /, '');
}

/** The part of xmllint-wasm's API used here (its own declarations are not a dependency). */
interface WasmFile {
  fileName: string;
  contents: string;
}
interface WasmResult {
  readonly errors: readonly { readonly rawMessage: string }[];
}
interface XmllintWasm {
  validateXML(options: {
    xml: WasmFile;
    schema: WasmFile;
    preload: WasmFile[];
    modifyArguments?: (args: string[]) => string[];
  }): Promise<WasmResult>;
}

// a variable specifier: type-checking never needs the optional package's declarations
const PACKAGE = 'xmllint-wasm';
const MANIFEST = 'manifest.mpd';

export function xsdWasmAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve(PACKAGE);
    return true;
  } catch {
    return false;
  }
}

let loaded: Promise<XmllintWasm | undefined> | undefined;

function load(): Promise<XmllintWasm | undefined> {
  loaded ??= (async () => {
    try {
      const mod = (await import(/* @vite-ignore */ PACKAGE)) as Partial<XmllintWasm> & {
        default?: Partial<XmllintWasm>;
      };
      const validateXML = mod.validateXML ?? mod.default?.validateXML;
      return validateXML ? { validateXML } : undefined;
    } catch {
      return undefined;
    }
  })();
  return loaded;
}

const schemas = new Map<string, { schema: WasmFile; preload: WasmFile[] }>();

/** The schema and the local schemas it imports or includes, transitively, named relative to it. */
function schemaFiles(schemaPath: string): { schema: WasmFile; preload: WasmFile[] } {
  const known = schemas.get(schemaPath);
  if (known) return known;
  const root = dirname(schemaPath);
  const files = new Map<string, string>();
  const visit = (path: string): void => {
    const name = relative(root, path).split(sep).join('/');
    if (files.has(name)) return;
    const text = readFileSync(path, 'utf8');
    files.set(name, text);
    for (const m of text.matchAll(/<xs(?:d)?:(?:import|include)\b[^>]*\bschemaLocation="([^"]+)"/g)) {
      const loc = m[1]!;
      // remote locations stay unresolved, as with `xmllint --nonet`
      if (!/^[a-z][a-z0-9+.-]*:/i.test(loc)) visit(join(dirname(path), loc));
    }
  };
  visit(schemaPath);
  const [first, ...rest] = [...files].map(([fileName, contents]) => ({ fileName, contents }));
  const entry = { schema: first ?? { fileName: basename(schemaPath), contents: '' }, preload: rest };
  schemas.set(schemaPath, entry);
  return entry;
}

export async function validateXsdWasm(text: string, schemaPath: string): Promise<XsdMessage[]> {
  const wasm = await load();
  if (!wasm) return [];
  const { schema, preload } = schemaFiles(schemaPath);
  const result = await wasm.validateXML({
    xml: { fileName: MANIFEST, contents: text },
    schema,
    preload,
    // the same switches as the binary path
    modifyArguments: (args) => ['--nonet', ...args],
  });
  const out: XsdMessage[] = [];
  for (const e of result.errors) {
    // "manifest.mpd:12: Schemas validity error : Element '…': …"
    const m = /^manifest\.mpd:(\d+): (.*)$/.exec(e.rawMessage);
    if (m) out.push({ line: Number(m[1]), message: xsdMessage(m[2]!) });
  }
  return out;
}
