/** Reading a file: from disk in Node (a path or a file: URL), else with fetch. */

const isNode = () => (globalThis as {process?: {versions?: {node?: string}}}).process?.versions?.node != null;

/** The part of Node's fs/promises used here (the package has no Node types). */
interface NodeFs {
  readFile(path: string | URL, encoding: 'utf8'): Promise<string>;
  readFile(path: string | URL): Promise<Uint8Array>;
}

/** Whether `source` names a local file (in Node) rather than something to fetch. */
export function isLocalFile(source: string | URL): boolean {
  const s = String(source);
  return isNode() && !/^(https?|data|blob):/i.test(s);
}

export async function readSource(source: string | URL, as: 'text', op: string): Promise<string>;
export async function readSource(source: string | URL, as: 'bytes', op: string): Promise<Uint8Array>;
export async function readSource(source: string | URL, as: 'text' | 'bytes', op: string): Promise<string | Uint8Array> {
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new Error(`${op}: source must be a path or a URL, got ${typeof source}`);
  }
  if (isLocalFile(source)) {
    // (A variable specifier keeps browser bundlers from trying to resolve Node's built-in.)
    const fsName = 'node:fs/promises';
    const fs = (await import(/* @vite-ignore */ fsName)) as NodeFs;
    const path = String(source).startsWith('file:') ? new URL(String(source)) : String(source);
    return as === 'text' ? fs.readFile(path, 'utf8') : new Uint8Array(await fs.readFile(path));
  }
  const response = await fetch(String(source));
  if (!response.ok) throw new Error(`${op}: fetching ${source} failed: ${response.status} ${response.statusText}`);
  return as === 'text' ? response.text() : new Uint8Array(await response.arrayBuffer());
}
