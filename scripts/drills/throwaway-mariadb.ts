/**
 * A throwaway MariaDB server of its own (its own data directory and port), for tests that need
 * server settings the shared test server must not change, or a server they can stop and restart.
 * Available where `mariadb-install-db` and `mariadbd` are (Debian's mariadb-server).
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import net from "node:net";
import { promisify } from "node:util";

const run = promisify(execFile);
const MARIADBD = "/usr/sbin/mariadbd";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

export const mariadbAvailable = fs.existsSync(MARIADBD) && fs.existsSync("/usr/bin/mariadb-install-db");

export interface ThrowawayMariadb {
  port: number;
  /** mysql:// URL of a database `pp` on it (root, no password). */
  url: string;
  /** Stops the server (SIGKILL: a crash, or SIGTERM: a clean stop); the data directory stays. */
  stop(signal?: "SIGKILL" | "SIGTERM"): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

async function ping(port: number): Promise<boolean> {
  try {
    await run("mariadb-admin", ["--protocol=tcp", "-h127.0.0.1", `-P${port}`, "-uroot", "--connect-timeout=1", "ping"]);
    return true;
  } catch {
    return false;
  }
}

export async function startThrowawayMariadb(args: string[] = []): Promise<ThrowawayMariadb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pp-mariadb-"));
  const datadir = path.join(dir, "data");
  await run("mariadb-install-db", ["--no-defaults", `--datadir=${datadir}`, "--auth-root-authentication-method=normal", "--user=root", "--skip-test-db"]);
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(
      MARIADBD,
      ["--no-defaults", `--datadir=${datadir}`, `--socket=${path.join(dir, "sock")}`, `--port=${port}`, "--bind-address=127.0.0.1", "--user=root", `--pid-file=${path.join(dir, "pid")}`, "--skip-log-bin", "--innodb-buffer-pool-size=32M", ...args],
      { stdio: "ignore" },
    );
    for (let i = 0; i < 300; i++) {
      if (await ping(port)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("the throwaway MariaDB did not start");
  };
  const stop = async (signal: "SIGKILL" | "SIGTERM" = "SIGTERM") => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.on("exit", r));
    c.kill(signal);
    await exited;
  };
  await start();
  await run("mariadb", ["--protocol=tcp", "-h127.0.0.1", `-P${port}`, "-uroot", "-e", "CREATE DATABASE pp CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"]);
  return {
    port,
    url: `mysql://root@127.0.0.1:${port}/pp`,
    stop,
    start,
    async destroy() {
      await stop("SIGKILL");
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
