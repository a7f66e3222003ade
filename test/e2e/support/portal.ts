/**
 * The real portal for end-to-end tests: the built server (`node build/server.js`) as a child process,
 * on a fresh SQLite file in its own temporary folder, on a free loopback port, in development mode
 * (so mail lands in the outbox shown at /dev/outbox). Staff accounts are made with the real CLI script.
 *
 * The server runs from a snapshot of build/ and public/ taken at start (node_modules linked), so a
 * rebuild in the work tree while the suite runs cannot swap the browser's scripts under it.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const ROOT = path.resolve(import.meta.dirname, "../../..");

export interface Portal {
  /** http://127.0.0.1:<port>, also the server's APP_URL. */
  url: string;
  /** The DATABASE_URL that the server and the CLI scripts share. */
  databaseUrl: string;
  /** Runs scripts/create-staff.ts on the portal's database; returns the set-password link it prints. */
  createStaff(input: { email: string; name: string; admin?: boolean }): Promise<string>;
  /** The server's output so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Copies build/ and public/ to `dir` (with node_modules linked); checks the copy is one build. */
async function snapshotBuild(dir: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    fs.rmSync(path.join(dir, "build"), { recursive: true, force: true });
    fs.rmSync(path.join(dir, "public"), { recursive: true, force: true });
    fs.cpSync(path.join(ROOT, "build"), path.join(dir, "build"), { recursive: true });
    fs.cpSync(path.join(ROOT, "public"), path.join(dir, "public"), { recursive: true });
    const index = fs.readFileSync(path.join(dir, "build", "index.js"), "utf8");
    const assets = [...new Set(index.match(/\/build\/[\w./-]+\.(?:js|css)/g) ?? [])];
    const missing = assets.filter((a) => !fs.existsSync(path.join(dir, "public", a)));
    if (assets.length > 0 && missing.length === 0 && fs.existsSync(path.join(dir, "build", "server.js"))) break;
    if (attempt === 30) throw new Error(`build/ and public/build/ do not match (a build still running?): missing ${missing.join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  if (!fs.existsSync(path.join(dir, "node_modules"))) fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  return path.join(dir, "build", "server.js");
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The server exited (code ${child.exitCode}) before answering /healthz:\n${output()}`);
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok && (await response.text()) === "ok") return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`The server did not answer /healthz within ${timeoutMs} ms:\n${output()}`);
}

export async function startPortal(): Promise<Portal> {
  if (!fs.existsSync(path.join(ROOT, "build", "server.js")) || !fs.existsSync(path.join(ROOT, "build", "index.js"))) {
    throw new Error("build/server.js is missing: run `npm run build` (npm run test:e2e does).");
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "partnerportalen-e2e-"));
  const server = await snapshotBuild(dir);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const databaseUrl = `sqlite:${path.join(dir, "portal.sqlite")}`;
  // An explicit environment: nothing of the test runner's (NODE_ENV=test, VITEST, SMTP_URL…) leaks in.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    NODE_ENV: "development",
    PORT: String(port),
    HOST: "127.0.0.1",
    APP_URL: url,
    DATABASE_URL: databaseUrl,
    APP_SECRET: "e2e-secret-that-is-long-enough-for-hkdf-0123456789abcdef",
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? "warn",
  };
  let log = "";
  const child = spawn(process.execPath, [server], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const output = () => log;
  // Should the test process end without stop() (a crash), the server ends with it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  async function stop() {
    process.removeListener("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited(child);
      clearTimeout(force);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }

  try {
    await waitForHealth(url, child, output);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    databaseUrl,
    output,
    stop,
    async createStaff({ email, name, admin = true }) {
      const args = ["tsx", "scripts/create-staff.ts", "--email", email, "--name", name, ...(admin ? ["--admin"] : [])];
      const { stdout } = await run("npx", args, { cwd: ROOT, env, timeout: 120_000 });
      const link = /https?:\/\/\S+\/reset-password\?\S+/.exec(stdout)?.[0];
      if (!link) throw new Error(`create-staff printed no set-password link:\n${stdout}`);
      return link;
    },
  };
}
