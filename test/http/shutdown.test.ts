/**
 * Graceful shutdown of the built server (build/server.js as a child process, on the suite's engine):
 * on SIGTERM a request in flight runs to its end, new connections are refused, and the process exits
 * 0 within SHUTDOWN_TIMEOUT_SECONDS; a request that does not end in time is cut off and the exit code
 * says so.
 *
 * The request in flight is a real one: a sign-in whose body is still arriving. It is sent with
 * `Expect: 100-continue`, so the server's "100 Continue" proves it has taken the request before the
 * signal is sent; the rest of the body follows the signal.
 *
 * The only timed assertions are the bounds the issue sets: the exit within the timeout, with a
 * margin of 10 s for a busy 2-core machine.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, PASSWORD } from "../support/factories";
import { scratchDatabase, spawnServer, type SpawnedServer } from "../support/spawn";

const MARGIN_MS = 10_000;
let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
let email = "";
const servers: SpawnedServer[] = [];

beforeAll(async () => {
  scratch = await scratchDatabase();
  email = (await createUser(scratch.db)).email;
});
afterAll(async () => {
  for (const s of servers) await s.stop();
  await scratch?.drop();
});

async function start(timeoutSeconds: number): Promise<SpawnedServer> {
  const server = await spawnServer({
    DATABASE_URL: scratch.url,
    LOG_LEVEL: "info",
    APP_SECRET: "shutdown-test-secret-that-is-long-enough-0123456789",
    SHUTDOWN_TIMEOUT_SECONDS: String(timeoutSeconds),
  });
  servers.push(server);
  return server;
}

/** A sign-in whose headers and first half of the body have arrived; `finish()` sends the rest. */
async function signInInFlight(server: SpawnedServer) {
  const body = new URLSearchParams({ email, password: PASSWORD }).toString();
  const half = Math.floor(body.length / 2);
  const socket = net.connect(server.port, "127.0.0.1");
  let received = "";
  const gotContinue = new Promise<void>((resolve, reject) => {
    socket.on("data", (d: Buffer) => {
      received += d.toString("latin1");
      if (received.includes("100 Continue")) resolve();
    });
    socket.on("error", reject);
  });
  const ended = new Promise<string>((resolve) => socket.on("close", () => resolve(received)));
  socket.write(
    [
      "POST /login HTTP/1.1",
      `Host: 127.0.0.1:${server.port}`,
      `Origin: ${server.url}`,
      "Content-Type: application/x-www-form-urlencoded",
      `Content-Length: ${Buffer.byteLength(body)}`,
      "Expect: 100-continue",
      "Connection: keep-alive",
      "",
      "",
    ].join("\r\n"),
  );
  await gotContinue;
  socket.write(body.slice(0, half));
  return {
    finish: () => {
      socket.write(body.slice(half));
      return ended;
    },
    abandon: () => socket.destroy(),
  };
}

/** Resolves once a new connection is refused (the listening socket is closed). */
async function connectionsRefused(port: number): Promise<void> {
  for (;;) {
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.on("connect", () => {
        s.destroy();
        resolve(false);
      });
      s.on("error", (e: NodeJS.ErrnoException) => resolve(e.code === "ECONNREFUSED"));
    });
    if (refused) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("graceful shutdown", () => {
  it("lets the request in flight finish, refuses new connections and exits 0 within the bound", async () => {
    const server = await start(20);
    const inFlight = await signInInFlight(server);
    const signalled = Date.now();
    server.child.kill("SIGTERM");
    await connectionsRefused(server.port);
    const answer = await inFlight.finish();
    // The sign-in completed: a redirect with a session cookie, and the connection closed after it.
    expect(answer).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 302 /);
    expect(answer).toMatch(/\r\nSet-Cookie: pp_session=[^;]+;/i);
    expect(answer).toMatch(/\r\nConnection: close\r\n/i);
    const exit = await server.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(20_000 + MARGIN_MS);
    const log = server.output();
    expect(log).toContain('"event":"shutdown.started"');
    expect(log).toContain('"event":"shutdown.finished"');
    expect(log).toMatch(/"route":"routes\/_auth\+\/login","status":302/);
  });

  it("cuts off a request that does not finish in time, and exits non-zero", async () => {
    const server = await start(2);
    const inFlight = await signInInFlight(server);
    const signalled = Date.now();
    server.child.kill("SIGTERM");
    const exit = await server.exited;
    expect(exit).toEqual({ code: 1, signal: null });
    expect(Date.now() - signalled).toBeLessThan(2_000 + MARGIN_MS);
    expect(server.output()).toContain('"event":"shutdown.forced"');
    inFlight.abandon();
  });
});
