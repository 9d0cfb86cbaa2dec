// Atomic, reproducible model directories. Files are written into a temporary sibling
// directory, hashed into passage-build.json, and only then renamed into place, so an
// interrupted build never leaves a half-written models/<id>/. No timestamps anywhere and
// file lists are sorted, so the same inputs give the same bytes.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const STAMP_FILE = 'passage-build.json';

export interface FileStamp {
  size: number;
  sha256: string;
}

export interface BuildStamp {
  source: Record<string, unknown>;
  converter: { name: string; version: string; [key: string]: unknown };
  files: Record<string, FileStamp>;
}

/** A file of the model directory: bytes in memory, or an existing file to move in. */
export type ModelFile = { path: string; bytes: Uint8Array | string } | { path: string; fromFile: string };

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function stampFile(file: string): Promise<FileStamp> {
  return { size: (await stat(file)).size, sha256: await sha256File(file) };
}

/** Object with keys in sorted order (JSON.stringify keeps insertion order). */
export function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function checkRelativePath(p: string): void {
  if (path.isAbsolute(p) || p.split('/').some((part) => part === '..' || part === '' || part === '.')) {
    throw new Error(`unsafe file path in model directory: ${p}`);
  }
}

async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(from, to); // different file system: copy, then drop the original
    await rm(from, { force: true });
  }
}

/** Remove temp/old directories that an interrupted build left beside `targetDir` (older than 10 min). */
async function removeLeftovers(targetDir: string): Promise<void> {
  const parent = path.dirname(targetDir);
  const prefix = `.${path.basename(targetDir)}.`;
  for (const entry of await readdir(parent).catch(() => [] as string[])) {
    if (!entry.startsWith(prefix) || !/\.(tmp|old)-/.test(entry)) continue;
    const full = path.join(parent, entry);
    const info = await stat(full).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > 10 * 60_000) await rm(full, { recursive: true, force: true });
  }
}

/**
 * Write `files` plus passage-build.json as `targetDir`, replacing it atomically.
 * Returns the stamp that was written.
 */
export async function writeModelDir(
  targetDir: string,
  files: ModelFile[],
  meta: Omit<BuildStamp, 'files'>,
): Promise<BuildStamp> {
  const parent = path.dirname(targetDir);
  const base = path.basename(targetDir);
  await mkdir(parent, { recursive: true });
  await removeLeftovers(targetDir);
  const unique = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = path.join(parent, `.${base}.tmp-${unique}`);
  await mkdir(tmp);
  try {
    const stamps: Record<string, FileStamp> = {};
    for (const file of files) {
      checkRelativePath(file.path);
      if (file.path === STAMP_FILE) throw new Error(`${STAMP_FILE} is written by writeModelDir`);
      const dest = path.join(tmp, file.path);
      await mkdir(path.dirname(dest), { recursive: true });
      if ('bytes' in file) {
        await writeFile(dest, file.bytes);
        stamps[file.path] = { size: Buffer.byteLength(file.bytes), sha256: sha256Hex(file.bytes) };
      } else {
        await moveFile(file.fromFile, dest);
        stamps[file.path] = await stampFile(dest); // hash what was actually written
      }
    }
    const stamp: BuildStamp = { source: meta.source, converter: meta.converter, files: sortedRecord(stamps) };
    await writeFile(path.join(tmp, STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
    await swapIntoPlace(tmp, targetDir, unique);
    return stamp;
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

async function swapIntoPlace(tmp: string, targetDir: string, unique: string): Promise<void> {
  const old = path.join(path.dirname(targetDir), `.${path.basename(targetDir)}.old-${unique}`);
  for (let attempt = 0; ; attempt++) {
    const hadOld = await rename(targetDir, old).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false;
        throw error;
      },
    );
    try {
      await rename(tmp, targetDir);
      if (hadOld) await rm(old, { recursive: true, force: true });
      return;
    } catch (error) {
      // Another build put a directory there between our two renames: move it aside and retry.
      const code = (error as NodeJS.ErrnoException).code;
      if (hadOld) await rm(old, { recursive: true, force: true });
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt >= 3) throw error;
    }
  }
}

export async function readStamp(dir: string): Promise<BuildStamp | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, STAMP_FILE), 'utf8')) as BuildStamp;
  } catch {
    return undefined;
  }
}

/** Why the files in `dir` do not match its stamp, or undefined when they all do. */
export async function verifyFiles(dir: string, stamp: BuildStamp): Promise<string | undefined> {
  for (const [file, expected] of Object.entries(stamp.files)) {
    const info = await stat(path.join(dir, file)).catch(() => undefined);
    if (!info) return `${file} is missing`;
    if (info.size !== expected.size) return `${file} has size ${info.size}, stamp says ${expected.size}`;
    if ((await sha256File(path.join(dir, file))) !== expected.sha256) return `${file} does not match its sha256`;
  }
  return undefined;
}
