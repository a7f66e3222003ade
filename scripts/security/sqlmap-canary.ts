/**
 * DELIBERATELY VULNERABLE. This is a planted SQL injection, used only by scripts/security/sqlmap.sh
 * to prove that its sqlmap run can find an injection (so that "not injectable" for the portal means
 * something). It is not part of the portal: nothing in app/ or scripts/server.ts imports it, it is
 * not in the build, and it must never be. It listens on 127.0.0.1 only and keeps its data in a
 * throwaway in-memory SQLite database (better-sqlite3, the portal's default engine).
 *
 *   GET  /canary?id=1                                    id concatenated into a numeric WHERE
 *   POST /canary-login  email=…&password=… (form body)   both concatenated into quoted strings,
 *                                                        the shape of the portal's sign-in form
 *
 *   node --import tsx scripts/security/sqlmap-canary.ts <port>   (or: npx tsx …)
 *
 * SQLMAP_CANARY_SAFE=1 makes both queries parameterised: sqlmap.sh must then fail ("blind").
 */
import { createServer } from "node:http";
import Database from "better-sqlite3";

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error("Usage: tsx scripts/security/sqlmap-canary.ts <port>");
  process.exit(2);
}
const safe = process.env.SQLMAP_CANARY_SAFE === "1";

const db = new Database(":memory:");
db.exec(`
  CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
  INSERT INTO item (id, name) VALUES (1, 'first item'), (2, 'second item'), (3, 'third item');
  CREATE TABLE account (id INTEGER PRIMARY KEY, email TEXT NOT NULL, password TEXT NOT NULL);
  INSERT INTO account (email, password) VALUES ('canary@example.test', 'canary-password');
`);

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (body: string) => `<!doctype html><html><body>${body}</body></html>\n`;

/** Runs the query; an SQL error is shown as an unguarded application would show it. */
function query(sql: string, params: unknown[]): { rows: Record<string, unknown>[] } | { error: string } {
  try {
    return { rows: db.prepare(sql).all(...params) as Record<string, unknown>[] };
  } catch (e) {
    const err = e as Error & { code?: string };
    return { error: `${err.name} [${err.code ?? "SQLITE_ERROR"}]: ${err.message}` };
  }
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const send = (status: number, body: string) => {
    res.writeHead(status, { "content-type": "text/html; charset=utf-8" }).end(page(body));
  };

  if (req.method === "GET" && url.pathname === "/canary") {
    const id = url.searchParams.get("id") ?? "1";
    const result = safe
      ? query("SELECT id, name FROM item WHERE id = ?", [id])
      : query(`SELECT id, name FROM item WHERE id = ${id}`, []);
    if ("error" in result) return send(500, `<p>${escapeHtml(result.error)}</p>`);
    const items = result.rows.map((r) => `<li>${escapeHtml(String(r.id))}: ${escapeHtml(String(r.name))}</li>`);
    return send(200, items.length ? `<ul>${items.join("")}</ul>` : "<p>No such item.</p>");
  }

  if (req.method === "POST" && url.pathname === "/canary-login") {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      const email = form.get("email") ?? "";
      const password = form.get("password") ?? "";
      const result = safe
        ? query("SELECT email FROM account WHERE email = ? AND password = ?", [email, password])
        : query(`SELECT email FROM account WHERE email = '${email}' AND password = '${password}'`, []);
      if ("error" in result) return send(500, `<p>${escapeHtml(result.error)}</p>`);
      const row = result.rows[0];
      return row ? send(200, `<p>Welcome, ${escapeHtml(String(row.email))}.</p>`) : send(200, "<p>Wrong e-mail or password.</p>");
    });
    return;
  }

  send(404, "<p>Not found.</p>");
});

server.listen(port, "127.0.0.1", () => console.log(`sqlmap canary (deliberately vulnerable) on http://127.0.0.1:${port}`));
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
