/**
 * The built server (`build/server.js`) as a child process, as it runs in production: its own
 * process, its own database connection, its log on stdout.
 */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { createDb, type Db } from "#db/dialect";
import { migrateToLatest } from "#db/migrate";

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

export interface SpawnedServer {
  port: number;
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export async function spawnServer(env: Record<string, string>): Promise<SpawnedServer> {
  const port = await freePort();
  const childEnv = { PATH: process.env.PATH!, NODE_ENV: "development", HOST: "127.0.0.1", PORT: String(port), ...env } as unknown as NodeJS.ProcessEnv;
  const child: ChildProcess = spawn(process.execPath, ["build/server.js"], { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString("utf8")));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const server: SpawnedServer = {
    port,
    url,
    child,
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
  // Up to 30 s to migrate and start on a busy 2-core machine.
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited at start-up:\n${out}`);
    const ok = await fetch(`${url}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return server;
    await new Promise((r) => setTimeout(r, 100));
  }
  await server.stop();
  throw new Error(`the server did not start:\n${out}`);
}

/**
 * A database of its own for a spawned server, on the engine the suite runs on: an SQLite file, or
 * a new MariaDB/MySQL database `pp_test_*` (TEST_DATABASE_URL). Migrated unless told otherwise.
 */
export async function scratchDatabase(options: { migrate?: boolean } = {}): Promise<{ url: string; db: Db; drop(): Promise<void> }> {
  const mysqlUrl = process.env.TEST_DATABASE_URL;
  let url: string;
  let cleanup: () => Promise<void>;
  if (mysqlUrl) {
    const admin = createDb(mysqlUrl, { poolSize: 1 });
    const name = `pp_test_${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
    await sql.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`).execute(admin);
    const u = new URL(mysqlUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    cleanup = async () => {
      await sql.raw(`DROP DATABASE IF EXISTS \`${name}\``).execute(admin);
      await admin.destroy();
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pp-spawn-"));
    url = `sqlite:${path.join(dir, "db.sqlite")}`;
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  const db = createDb(url, { poolSize: 2 });
  if (options.migrate ?? true) await migrateToLatest(db);
  return {
    url,
    db,
    async drop() {
      await db.destroy().catch(() => undefined);
      await cleanup();
    },
  };
}
