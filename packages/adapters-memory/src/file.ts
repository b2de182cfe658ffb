/**
 * Crash-safe JSON persistence: write a temporary file, fsync it, rename it over the target,
 * fsync the directory. A crash at any point leaves the previous or the new snapshot intact.
 *
 * @module
 */
import { open, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fromSnapshot, type MemoryState, toSnapshot } from './state';

/** Loads and saves snapshots of one file. */
export interface FileSink {
  /** The snapshot in the file, or `undefined` if the file does not exist. */
  load(): Promise<MemoryState | undefined>;
  /** Atomically replaces the file with a snapshot of `state`. */
  save(state: MemoryState): Promise<void>;
}

/** Opens a sink on `file`. Leftover temporary files from a crash are ignored and overwritten. */
export async function openFileSink(file: string): Promise<FileSink> {
  const dir = dirname(file);
  const tmp = join(dir, `.${basename(file)}.tmp`);
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
      return fromSnapshot(text);
    },
    async save(state) {
      const text = toSnapshot(state);
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(text, 'utf8');
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, file);
      try {
        const dh = await open(dir, 'r');
        try {
          await dh.sync();
        } finally {
          await dh.close();
        }
      } catch {
        // Some platforms cannot fsync a directory; the rename is still atomic.
      }
    },
  };
}
