import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Db } from "#db/dialect";
import { canonicalLine, CSV_HEADER, formatLine, knownChecksum, LineBuffer, rememberChecksum, snapshotPages, type SnapshotChecksum, type SnapshotFormat } from "./feed.server";
import type { Algorithm } from "./values";

export interface SnapshotFile extends SnapshotChecksum {
  path: string;
  bytes: number;
}

/**
 * Snapshots written once per checkpoint as files and served from them (docs/decisions/0012).
 *
 * A snapshot as of a checkpoint never changes, so the first request for it reads the entries from the
 * database once – writing the file and computing the checksum in the same pass – and every later
 * download of that checkpoint is a file read: as fast as the disk and the network allow, with no
 * database work, however many clients download at once. A file is named by its list, algorithm,
 * format, checkpoint **and checksum**, and the checksum kept in the database for that checkpoint must
 * name it: a database restored from a backup (or a test database made anew), whose checkpoint numbers
 * repeat with other entries, never gets another database's file. Files are written under a temporary
 * name and renamed, so several processes may share the directory; of a list's files only the two written
 * last are kept (a download still reading an older one keeps it open until it ends).
 */
export class SnapshotFiles {
  private readonly writing = new Map<string, Promise<SnapshotFile>>();

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** A directory of this process's own, removed when the process exits. */
  static temporary(): SnapshotFiles {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "partnerportalen-snapshots-"));
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    return new SnapshotFiles(dir);
  }

  /** The snapshot file of a checkpoint, written first if there is none yet. */
  async get(db: Db, listId: number, seq: number, algorithm: Algorithm | null, format: SnapshotFormat): Promise<SnapshotFile> {
    const known = await knownChecksum(db, listId, seq, algorithm);
    if (known) {
      const file = path.join(this.dir, this.name(listId, algorithm, format, seq, known.sha256));
      const stat = await fsp.stat(file).catch(() => null);
      if (stat) return { ...known, path: file, bytes: stat.size };
    }
    const key = this.prefix(listId, algorithm, format) + seq;
    let pending = this.writing.get(key);
    if (!pending) {
      pending = this.write(db, listId, seq, algorithm, format).finally(() => this.writing.delete(key));
      this.writing.set(key, pending);
    }
    return pending;
  }

  private prefix(listId: number, algorithm: Algorithm | null, format: SnapshotFormat) {
    return `${listId}-${algorithm ?? "all"}-${format}-`;
  }

  private name(listId: number, algorithm: Algorithm | null, format: SnapshotFormat, seq: number, sha256: string) {
    return `${this.prefix(listId, algorithm, format)}${seq}-${sha256}.${format}`;
  }

  private async write(db: Db, listId: number, seq: number, algorithm: Algorithm | null, format: SnapshotFormat): Promise<SnapshotFile> {
    const temporary = path.join(this.dir, `.${crypto.randomUUID()}.tmp`);
    const hash = crypto.createHash("sha256");
    let entries = 0;
    let bytes = 0;
    const file = await fsp.open(temporary, "wx", 0o600);
    // Two buffers, reused for every page (see LineBuffer): the page's lines and the checksum's.
    const text = new LineBuffer();
    const canonical = new LineBuffer();
    const put = async (chunk: Buffer) => {
      await file.write(chunk);
      bytes += chunk.length;
    };
    try {
      if (format === "csv") await put(Buffer.from(CSV_HEADER));
      for await (const page of snapshotPages(db, listId, seq, algorithm)) {
        for (const r of page.rows) {
          text.add(formatLine(page.algorithm, r, format));
          canonical.add(canonicalLine(page.algorithm, r));
        }
        hash.update(canonical.take());
        entries += page.rows.length;
        await put(text.take());
      }
    } catch (error) {
      await file.close();
      await fsp.rm(temporary, { force: true });
      throw error;
    }
    await file.close();
    const checksum = { sha256: hash.digest("hex"), entries };
    await rememberChecksum(db, listId, seq, algorithm, checksum);
    const final = path.join(this.dir, this.name(listId, algorithm, format, seq, checksum.sha256));
    await fsp.rename(temporary, final);
    await this.removeOlder(listId, algorithm, format);
    return { ...checksum, path: final, bytes };
  }

  /**
   * Keeps a list's two files written last (the one before may just have been handed to a download). By
   * the time they were written, not by checkpoint: after a restore from a backup, files of checkpoints
   * the database no longer has may carry higher numbers.
   */
  private async removeOlder(listId: number, algorithm: Algorithm | null, format: SnapshotFormat) {
    const prefix = this.prefix(listId, algorithm, format);
    const files = await Promise.all(
      (await fsp.readdir(this.dir))
        .filter((name) => name.startsWith(prefix))
        .map(async (name) => ({ name, written: (await fsp.stat(path.join(this.dir, name)).catch(() => null))?.mtimeMs ?? 0 })),
    );
    files.sort((a, b) => b.written - a.written);
    for (const { name } of files.slice(2)) await fsp.rm(path.join(this.dir, name), { force: true });
  }
}
