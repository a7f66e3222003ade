/**
 * Issue 3's benchmark (part of `npm run bench`; alone: `npm run bench:assessment`): opening and
 * saving a section of a 100-question self-assessment, p50/p99 and throughput against the minimal
 * route /healthz of the same server, measured in the same run. See docs/benchmarks.md.
 *
 * 1. Writes a synthetic framework set of exactly 100 questions (bench/frameworks.ts: a core of 80 in
 *    5 sections, an online-platforms module of 20 in one section) to a temp dir, validated with the
 *    app's validateFramework; the server gets FRAMEWORKS_DIR pointing at it.
 * 2. Seeds a fresh SQLite file as bench/run.ts does (BENCH_ORGS organisations with members, …), then,
 *    through the app's own services (publishMissingFrameworks, startAssessment, saveAnswers): the
 *    benchmark company (an online platform whose admin is also its compliance officer) answers last
 *    year's assessment, starts this year's (95 answers carried over), confirms or changes 85 of them;
 *    20 more companies, each with a compliance officer of its own, do the same.
 * 3. Starts the BUILT server, signs everyone in through POST /login, and checks that the section page
 *    shows its 20 questions and that a save answers as it should.
 * 4. Measures, each after a warm-up; any unexpected status, conflict or error aborts the run:
 *    - GET /healthz (baseline; autocannon, first and last);
 *    - GET of the 20-question section page, signed in (autocannon);
 *    - GET of the same section's `.data` (what the browser fetches after every autosave, to refresh
 *      the score and progress, and when it navigates to the section; autocannon);
 *    - GET /healthz with the custom client below (the baseline for its figures);
 *    - autosave of one answer: POST intent=save&autosave=1 to the section's `.data` URL (what the
 *      page's fetcher sends), 20 clients in a closed loop on one assessment, each owning one question
 *      of the section, alternating its value and sending the version it started from (version + 1
 *      after each save); every reply must be 200 with {ok: true, saved: [that question]};
 *    - autosave of the whole section as the browser's form sends it (all 20 questions with their
 *      values and versions, one of them changed): 20 companies at once, one client each, the changed
 *      question rotating through the section;
 *    - the autosave cycle as the browser runs it: that POST, then GET <section>.data (Remix
 *      revalidates the page's loaders after every action; the page shows "saved" after both), the
 *      client taking its new view of the section from the reply. Counted in cycles of 2 requests.
 *    Afterwards every tracked version is compared with the database's.
 * 5. Prints req/s, p50, p99 and ratios to the baseline, and the server's CPU time per request.
 *
 * Environment (all optional): BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 3),
 * BENCH_CONNECTIONS (1–20, default 20), BENCH_ORGS (default 1000), BENCH_ASSESSMENT_JSON (write the
 * results there), BENCH_KEEP=1 (keep the temp dir), BENCH_SERVER_ARGS (extra node arguments for the
 * server).
 */
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { decode } from "turbo-stream";
import { createDb, type Db } from "#db/dialect";
import { migrateToLatest } from "#db/migrate";
import { saveAnswers, startAssessment, type AnswerChange } from "~/modules/assessments/assessments.server";
import type { Actor } from "~/modules/audit/audit.server";
import { systemActor } from "~/modules/audit/audit.server";
import { hashPassword } from "~/modules/auth/password.server";
import type { Question } from "~/modules/frameworks/framework-schema";
import { publishMissingFrameworks } from "~/modules/frameworks/frameworks.server";
import type { AnswerValue } from "~/modules/frameworks/scoring";
import { newId } from "~/utils/ids";
import { answerFor, BENCH_INDUSTRY, BENCH_SECTION_ID, writeBenchFrameworks } from "./frameworks";
import { autocannonVersion, escapeHtml, fmt, freePort, log, measureGet, printTable, request, root, signIn, startBuiltServer, stopServer, withCpu, type Measurement, type Scenario } from "./lib";
import { BENCH_PASSWORD, seedBench } from "./seed";

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const ORGS = Number(process.env.BENCH_ORGS ?? 1000);
/** The section measured has 20 questions: one per client. */
const SECTION_SIZE = 20;
const RATE_LIMIT_FACTOR = 1_000_000;
const YEAR = new Date().getUTCFullYear();
const USER_AGENT = "Mozilla/5.0 (bench)";

// ---------------------------------------------------------------------------------------------
// Data: the assessments, through the app's own services.

interface Company {
  organisationId: string;
  email: string;
  userId: string;
  assessmentId: string;
}

/** Which questions last year left unanswered, and which this year leaves carried over (by index in its section). */
const NOT_ANSWERED_LAST_YEAR = (sectionId: string, i: number) => (sectionId === BENCH_SECTION_ID ? i === 10 : i === 15 && sectionId !== "core.products");
const LEFT_CARRIED_OVER = (sectionId: string, i: number) => (sectionId === BENCH_SECTION_ID ? i === 17 : i === 6 || (i === 13 && sectionId !== "core.products"));

/**
 * Last year's assessment, answered; this year's started from it (answers carried over), most of them
 * confirmed or changed. In the section measured every answer ends on variant 0 of bench/frameworks.ts
 * (except one left unanswered and one still carried over), so the clients can alternate from there.
 */
async function answerTwoYears(db: Db, actor: Actor, organisationId: string, sections: { id: string; questions: Question[] }[], seed: number): Promise<string> {
  let x = seed;
  const coin = () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 16) % 2 === 1;
  const last = await startAssessment(db, actor, organisationId, { year: YEAR - 1, extraModules: [] });
  const lastYear: AnswerChange[] = [];
  const thisYear: AnswerChange[] = [];
  for (const s of sections) {
    for (const [i, q] of s.questions.entries()) {
      if (NOT_ANSWERED_LAST_YEAR(s.id, i)) continue;
      const inMeasured = s.id === BENCH_SECTION_ID;
      const before = inMeasured && LEFT_CARRIED_OVER(s.id, i) ? 0 : coin() ? 1 : 0;
      lastYear.push({ questionId: q.id, value: answerFor(q, before), baseVersion: 0 });
      if (LEFT_CARRIED_OVER(s.id, i)) continue;
      const now = inMeasured ? 0 : coin() ? 1 : 0;
      // The same answer as last year is confirmed; another one is a change.
      thisYear.push({ questionId: q.id, value: answerFor(q, now), baseVersion: 1, confirm: now === before });
    }
  }
  await saveAnswers(db, actor, organisationId, last.id, lastYear);
  const current = await startAssessment(db, actor, organisationId, { year: YEAR, extraModules: [] });
  if (current.carriedOver !== lastYear.length) throw new Error(`Expected ${lastYear.length} answers carried over, got ${current.carriedOver}.`);
  const { saved } = await saveAnswers(db, actor, organisationId, current.id, thisYear);
  if (saved.length !== thisYear.length) throw new Error(`Expected ${thisYear.length} answers saved, got ${saved.length}.`);
  return current.id;
}

async function seedAssessments(db: Db, options: { frameworksDir: string; passwordHash: string; benchOrganisationId: string; benchEmail: string; companies: number }) {
  const published = await publishMissingFrameworks(db, systemActor("bench"), options.frameworksDir);
  if (published.length !== 2) throw new Error(`Expected the two benchmark frameworks to be published, got ${JSON.stringify(published)}.`);

  // The benchmark company is an online platform; its admin is also its compliance officer.
  const benchUser = await db.selectFrom("user").select("id").where("email", "=", options.benchEmail).executeTakeFirstOrThrow();
  const membership = await db.selectFrom("membership").select("id").where("user_id", "=", benchUser.id).where("organisation_id", "=", options.benchOrganisationId).executeTakeFirstOrThrow();
  await db.insertInto("membership_role").values({ membership_id: membership.id, role: "compliance_officer" }).execute();
  const targets = [{ organisationId: options.benchOrganisationId, email: options.benchEmail, userId: benchUser.id }];

  // More approved companies, each with a compliance officer of its own (no two-factor sign-in).
  const others = await db
    .selectFrom("organisation")
    .select("id")
    .where("status", "=", "approved")
    .where("id", "!=", options.benchOrganisationId)
    .orderBy("name")
    .limit(options.companies)
    .execute();
  if (others.length < options.companies) throw new Error(`Only ${others.length} other approved organisations; raise BENCH_ORGS.`);
  const now = Date.now();
  for (const [k, o] of others.entries()) {
    const userId = newId();
    const email = `bench.officer.${k + 1}@benchmark.example`;
    await db
      .insertInto("user")
      .values({ id: userId, email, name: `Officer ${k + 1}`, password_hash: options.passwordHash, email_verified_at: now, locale: "sv", staff_role: null, totp_secret: null, totp_enabled_at: null, totp_last_step: null, disabled_at: null, created_at: now, updated_at: now })
      .execute();
    const membershipId = newId();
    await db.insertInto("membership").values({ id: membershipId, organisation_id: o.id, user_id: userId, created_at: now }).execute();
    await db.insertInto("membership_role").values({ membership_id: membershipId, role: "compliance_officer" }).execute();
    targets.push({ organisationId: o.id, email, userId });
  }
  await db
    .updateTable("organisation")
    .set({ industry: BENCH_INDUSTRY })
    .where("id", "in", targets.map((t) => t.organisationId))
    .execute();
  return targets;
}

// ---------------------------------------------------------------------------------------------
// Measuring.

const autocannonOptions = () => ({ warmup: WARMUP, duration: DURATION, connections: CONNECTIONS });
const measureAutocannon = (port: number, serverPid: number, s: Scenario) => measureGet(port, serverPid, s, autocannonOptions());

/**
 * A closed loop: `clients` workers, each sending its next request as soon as the previous one is
 * answered, until `seconds` have passed. `step` sends one request and checks its reply (throwing
 * on anything unexpected, which stops every worker). Latency is measured around `step`.
 */
async function closedLoop(clients: number, seconds: number, step: (client: number) => Promise<void>): Promise<{ latencies: number[]; wall: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  const end = started + seconds * 1000;
  let failed = false;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (!failed && performance.now() < end) {
        const t0 = performance.now();
        try {
          await step(client);
        } catch (error) {
          failed = true;
          throw error;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, wall: (performance.now() - started) / 1000 };
}

function percentile(sorted: number[], p: number) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function measureLoop(serverPid: number, key: string, label: string, step: (client: number) => Promise<void>): Promise<Measurement> {
  process.stdout.write(`  ${label.padEnd(52)} warm-up ${WARMUP} s … `);
  await closedLoop(CONNECTIONS, WARMUP, step);
  process.stdout.write(`measuring ${DURATION} s … `);
  const { result, cpu } = await withCpu(serverPid, () => closedLoop(CONNECTIONS, DURATION, step));
  const sorted = [...result.latencies].sort((a, b) => a - b);
  const rps = sorted.length / result.wall;
  log(`${fmt(rps)} req/s`);
  return { key, label, client: "custom", rps, p50: percentile(sorted, 50), p99: percentile(sorted, 99), total: sorted.length, cpu, statuses: { 200: sorted.length } };
}

/** Decodes a single-fetch (turbo-stream) body as the browser's Remix runtime does. */
async function decodeSingleFetch(body: string): Promise<unknown> {
  const decoded = await decode(new Blob([body]).stream(), { plugins: [(type: string, ...rest: unknown[]) => ({ value: { $type: type, rest } })] });
  await decoded.done;
  return decoded.value;
}

interface SectionQuestion {
  question: Question;
  value?: AnswerValue;
  version: number;
  carriedOver: boolean;
}

/** The section route's loader data, from GET <section>.data (what the browser gets). */
async function loadSection(port: number, cookie: string, sectionPath: string, agent?: http.Agent): Promise<SectionQuestion[]> {
  const host = `127.0.0.1:${port}`;
  const reply = await request(port, "GET", `${sectionPath}.data`, { Host: host, Cookie: cookie, "User-Agent": USER_AGENT }, undefined, agent);
  if (reply.status !== 200) throw new Error(`GET ${sectionPath}.data answered ${reply.status}.`);
  const routes = (await decodeSingleFetch(reply.body)) as Record<string, { data?: { questions?: SectionQuestion[] } }>;
  const route = Object.entries(routes).find(([id]) => id.includes("sections.$sectionId"))?.[1];
  if (!route?.data?.questions) throw new Error(`GET ${sectionPath}.data has no questions: ${reply.body.slice(0, 300)}`);
  return route.data.questions;
}

/** One client's view of one answer: what it shows and the version it started from. */
interface Tracked {
  question: Question;
  value: string | string[] | undefined;
  version: number;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const next = (t: Tracked) => (same(t.value, answerFor(t.question, 0)) ? answerFor(t.question, 1) : answerFor(t.question, 0));

/** The form fields of one question, as the section form sends them (an empty radio group sends nothing). */
function fieldsOf(form: URLSearchParams, t: Tracked) {
  form.append(`present:${t.question.id}`, "1");
  form.append(`v:${t.question.id}`, String(t.version));
  const value = t.value;
  if (Array.isArray(value)) for (const v of value) form.append(`q:${t.question.id}`, v);
  else if (value !== undefined) form.append(`q:${t.question.id}`, value);
  else if (["number", "date", "text"].includes(t.question.type)) form.append(`q:${t.question.id}`, "");
}

/** Posts a save to the section's .data URL and checks it saved exactly `questionId`. */
async function postSave(port: number, agent: http.Agent, cookie: string, sectionPath: string, body: string, questionId: string) {
  const host = `127.0.0.1:${port}`;
  const reply = await request(
    port,
    "POST",
    `${sectionPath}.data`,
    { Host: host, Origin: `http://${host}`, Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8", "User-Agent": USER_AGENT },
    body,
    agent,
  );
  if (reply.status !== 200) throw new Error(`A save of ${questionId} answered ${reply.status}: ${reply.body.slice(0, 400)}`);
  const result = (await decodeSingleFetch(reply.body)) as { data?: { ok?: boolean; saved?: string[] } };
  if (result.data?.ok !== true || !same(result.data.saved, [questionId])) {
    throw new Error(`A save of ${questionId} answered ${JSON.stringify(result).slice(0, 400)}, not {ok: true, saved: ["${questionId}"]}.`);
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  for (const [name, value, min, max] of [["BENCH_DURATION", DURATION, 1, 3600], ["BENCH_WARMUP", WARMUP, 1, 3600], ["BENCH_CONNECTIONS", CONNECTIONS, 1, SECTION_SIZE], ["BENCH_ORGS", ORGS, 100, 1e6]] as const) {
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max} (got ${value}).`);
  }
  if (!fs.existsSync(path.join(root, "build/server.js")) || !fs.existsSync(path.join(root, "build/index.js"))) {
    throw new Error("No build: run `npm run bench:assessment` (which builds first) or `npm run build`.");
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "partnerportalen-bench-assessment-"));
  const file = path.join(tmp, "bench.sqlite");
  const serverLog = path.join(tmp, "server.log");
  const frameworksDir = path.join(tmp, "frameworks");
  let child: ChildProcess | undefined;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const cleanup = async () => {
    agent.destroy();
    await stopServer(child);
    if (process.env.BENCH_KEEP === "1") log(`Kept ${tmp} (database, frameworks and server log).`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.once("SIGINT", () => {
    void cleanup().finally(() => process.exit(130));
  });

  try {
    const cpus = os.cpus();
    log("\nPartnerportalen benchmark: a section of a 100-question self-assessment (issue 3)");
    log(`Machine: ${os.availableParallelism()} cores (${cpus[0]?.model.trim() ?? "unknown CPU"}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`);
    log(`Load average before the run: ${os.loadavg().map((l) => fmt(l, 2)).join(", ")} (1, 5, 15 min)`);

    // 1. Frameworks and data.
    const { core, module, questions } = writeBenchFrameworks(frameworksDir);
    const section = module.sections.find((s) => s.id === BENCH_SECTION_ID)!;
    const types = questions.reduce<Record<string, number>>((acc, q) => ({ ...acc, [q.type]: (acc[q.type] ?? 0) + 1 }), {});
    log(`Frameworks: ${questions.length} questions (core 80 in 5 sections, ${BENCH_INDUSTRY} 20 in 1), ${questions.filter((q) => q.condition).length} with a condition; ${Object.entries(types).map(([k, v]) => `${k} ${v}`).join(", ")}; ${fmt(fs.statSync(path.join(frameworksDir, "core.json")).size + fs.statSync(path.join(frameworksDir, `${BENCH_INDUSTRY}.json`)).size)} bytes of JSON in ${frameworksDir}`);

    const db = createDb(`sqlite:${file}`);
    const prepared = await (async () => {
      try {
        await migrateToLatest(db);
        const passwordHash = await hashPassword(BENCH_PASSWORD);
        const seeded = await seedBench(db, { organisations: ORGS, passwordHash });
        const started = performance.now();
        const targets = await seedAssessments(db, { frameworksDir, passwordHash, benchOrganisationId: seeded.organisation.id, benchEmail: seeded.user.email, companies: CONNECTIONS });
        const sections = [core, module].flatMap((f) => f.sections);
        const companies: Company[] = [];
        for (const [k, t] of targets.entries()) {
          const actor: Actor = { userId: t.userId, label: t.email, ip: null, userAgent: "bench seed" };
          companies.push({ ...t, assessmentId: await answerTwoYears(db, actor, t.organisationId, sections, 1000 + k) });
        }
        const answers = await db.selectFrom("assessment_answer").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
        return { seeded, companies, ms: performance.now() - started, answers: Number(answers.n) };
      } finally {
        await db.destroy();
      }
    })();
    const [bench, ...others] = prepared.companies as [Company, ...Company[]];
    log(`Seeded ${fmt(ORGS)} organisations in ${fmt(prepared.seeded.ms)} ms (as bench/run.ts), then through startAssessment and saveAnswers in ${fmt(prepared.ms)} ms:`);
    log(`  ${prepared.companies.length} companies (${prepared.seeded.organisation.name} and ${others.length} more) each answered last year's assessment, started ${YEAR}'s (95 answers carried over) and confirmed or changed 85; ${fmt(prepared.answers)} answers in all.`);

    // 2. The built server, publishing from the benchmark's frameworks directory.
    const port = await freePort();
    child = await startBuiltServer({ port, databaseFile: file, serverLog, extraEnv: { RATE_LIMIT_FACTOR: String(RATE_LIMIT_FACTOR), FRAMEWORKS_DIR: frameworksDir } });
    const pid = child.pid!;
    log(`Server: node build/server.js (pid ${pid}), NODE_ENV=production, SQLite, FRAMEWORKS_DIR=${frameworksDir}, port ${port}, log ${serverLog}`);

    // 3. Sign in, and check what the scenarios answer.
    const host = `127.0.0.1:${port}`;
    const sectionPath = (assessmentId: string) => `/app/assessments/${assessmentId}/sections/${BENCH_SECTION_ID}`;
    const benchCookie = await signIn(port, bench.email, BENCH_PASSWORD);
    const cookies: string[] = [];
    for (const c of others) cookies.push(await signIn(port, c.email, BENCH_PASSWORD));

    const page: Scenario = {
      key: "section_page",
      label: "GET section page (20 questions, document)",
      path: sectionPath(bench.assessmentId),
      headers: { Host: host, Cookie: benchCookie, Accept: "text/html", "User-Agent": USER_AGENT },
    };
    const pageData: Scenario = {
      key: "section_data",
      label: "GET section .data (after each autosave)",
      path: `${sectionPath(bench.assessmentId)}.data`,
      headers: { Host: host, Cookie: benchCookie, Accept: "*/*", "User-Agent": USER_AGENT },
    };
    const pageCheck = await request(port, "GET", page.path, page.headers);
    const shown = pageCheck.body.match(/name="present:/g)?.length ?? 0;
    if (pageCheck.status !== 200 || shown !== SECTION_SIZE || !pageCheck.body.includes(escapeHtml(section.title.sv))) {
      throw new Error(`The section page is not what it should be: status ${pageCheck.status}, ${shown} questions, location ${pageCheck.headers.location ?? "-"}.`);
    }
    if (!pageCheck.body.includes(`name="confirm:${section.questions[17]!.id}"`) || pageCheck.body.includes(`name="confirm:${section.questions[16]!.id}"`)) {
      throw new Error("The section page does not show the carried-over answer as carried over.");
    }
    const dataCheck = await request(port, "GET", pageData.path, pageData.headers);
    if (dataCheck.status !== 200) throw new Error(`GET ${pageData.path} answered ${dataCheck.status}.`);

    // Each client's view of the section, from the loader data (what the browser has).
    const toTracked = (q: SectionQuestion): Tracked => ({ question: q.question, value: q.value, version: q.version });
    const benchView = (await loadSection(port, benchCookie, sectionPath(bench.assessmentId))).map(toTracked);
    if (benchView.length !== SECTION_SIZE) throw new Error(`The section's loader data has ${benchView.length} questions, not ${SECTION_SIZE}.`);
    const views: Tracked[][] = [];
    for (const [k, c] of others.entries()) views.push((await loadSection(port, cookies[k]!, sectionPath(c.assessmentId))).map(toTracked));
    const carried = (await loadSection(port, benchCookie, sectionPath(bench.assessmentId))).filter((q) => q.carriedOver).length;
    log(
      `Checked: the section page → 200, ${fmt(pageCheck.body.length)} bytes, ${shown} questions (${benchView.filter((t) => t.value !== undefined).length} answered, ${carried} carried over); ` +
        `its .data → 200, ${fmt(dataCheck.body.length)} bytes. Signed in: ${bench.email} and ${others.length} officers.`,
    );

    // 4. Measure.
    log(`\nEach scenario: ${WARMUP} s warm-up, then ${DURATION} s at ${CONNECTIONS} connections; autocannon ${autocannonVersion()} (no pipelining) or the custom closed loop (node:http, keep-alive).`);
    const baseline: Scenario = { key: "healthz", label: "GET /healthz (baseline, autocannon)", path: "/healthz", headers: { Host: host } };
    const before = await measureAutocannon(port, pid, baseline);
    const pageResult = await measureAutocannon(port, pid, page);
    const dataResult = await measureAutocannon(port, pid, pageData);

    const loopBaseline = await measureLoop(pid, "healthz_custom", "GET /healthz (custom client)", async () => {
      const reply = await request(port, "GET", "/healthz", { Host: host }, undefined, agent);
      if (reply.status !== 200) throw new Error(`/healthz answered ${reply.status}.`);
    });

    // Saving one answer: client k owns question k of the bench company's section.
    const saveOne = await measureLoop(pid, "save_one", "POST autosave, one answer (1 assessment)", async (k) => {
      const t = benchView[k]!;
      const value = next(t);
      const form = new URLSearchParams({ intent: "save" });
      fieldsOf(form, { ...t, value });
      form.append("autosave", "1");
      await postSave(port, agent, benchCookie, sectionPath(bench.assessmentId), form.toString(), t.question.id);
      t.value = value;
      t.version += 1;
    });

    // Saving the whole section with one answer changed: client k is company k's officer.
    const turn = views.map(() => 0);
    const saveSection = await measureLoop(pid, "save_section", "POST autosave, whole section, 1 changed (20 cos.)", async (k) => {
      const view = views[k]!;
      const changed = view[turn[k]! % view.length]!;
      turn[k]! += 1;
      const value = next(changed);
      const form = new URLSearchParams({ intent: "save" });
      for (const t of view) fieldsOf(form, t === changed ? { ...t, value } : t);
      form.append("autosave", "1");
      await postSave(port, agent, cookies[k]!, sectionPath(others[k]!.assessmentId), form.toString(), changed.question.id);
      changed.value = value;
      changed.version += 1;
    });
    // What the browser really does on an autosave: the fetcher's POST, then (Remix revalidates the
    // page's loaders after every action) GET <section>.data; the page says "saved" after both. The
    // client takes its new view of the section from that reply, as the page does.
    const cycle = await measureLoop(pid, "save_cycle", "Autosave cycle: POST + GET .data (20 cos.)", async (k) => {
      const view = views[k]!;
      const changed = view[turn[k]! % view.length]!;
      turn[k]! += 1;
      const value = next(changed);
      const form = new URLSearchParams({ intent: "save" });
      for (const t of view) fieldsOf(form, t === changed ? { ...t, value } : t);
      form.append("autosave", "1");
      const here = sectionPath(others[k]!.assessmentId);
      await postSave(port, agent, cookies[k]!, here, form.toString(), changed.question.id);
      const fresh = (await loadSection(port, cookies[k]!, here, agent)).map(toTracked);
      const mine = fresh.find((t) => t.question.id === changed.question.id);
      if (fresh.length !== SECTION_SIZE || mine?.version !== changed.version + 1 || !same(mine.value, value)) {
        throw new Error(`After saving ${changed.question.id}, the section's data shows version ${mine?.version}, not ${changed.version + 1}.`);
      }
      views[k] = fresh;
    });
    const after = await measureAutocannon(port, pid, { ...baseline, key: "healthz_after", label: "GET /healthz (baseline again, autocannon)" });

    // Every version a client tracked is the database's.
    const verify = async (cookie: string, assessmentId: string, view: Tracked[]) => {
      const server = await loadSection(port, cookie, sectionPath(assessmentId));
      for (const t of view) {
        const s = server.find((q) => q.question.id === t.question.id);
        if (!s || s.version !== t.version || !same(s.value, t.value)) throw new Error(`${t.question.id}: the client has version ${t.version}, the server ${s?.version}.`);
      }
    };
    await verify(benchCookie, bench.assessmentId, benchView);
    for (const [k, c] of others.entries()) await verify(cookies[k]!, c.assessmentId, views[k]!);
    const saves = benchView.reduce((n, t) => n + t.version, 0);
    log(`Verified: every answer's version on the server is the one its client tracked (the bench company's 20 answers went through ${fmt(saves)} versions in all).`);

    // 5. Report.
    const baseRps = (before.rps + after.rps) / 2;
    const baseP50 = (before.p50 + after.p50) / 2;
    const baseP99 = (before.p99 + after.p99) / 2;
    const rows = [before, pageResult, dataResult, loopBaseline, saveOne, saveSection, cycle, after];
    const ms = (m: Measurement, v: number) => (m.client === "custom" ? fmt(v, 1) : fmt(v));
    log("");
    printTable(
      ["Scenario", "Client", "Requests", "Req/s", "p50 ms", "p99 ms", "× baseline req/s", "× baseline p50", "× baseline p99"],
      rows.map((m) => [m.label, m.client, fmt(m.total), fmt(m.rps), ms(m, m.p50), ms(m, m.p99), `${fmt(m.rps / baseRps, 2)}×`, `${fmt(m.p50 / baseP50, 1)}×`, `${fmt(m.p99 / baseP99, 1)}×`]),
    );
    const cpuPerRequest = (m: Measurement) => (m.cpu.server === null ? null : (m.cpu.server * 1000) / m.total);
    const baseCpu = cpuPerRequest(before) !== null && cpuPerRequest(after) !== null ? (cpuPerRequest(before)! + cpuPerRequest(after)!) / 2 : null;
    const otherCpu = rows.map((m) => (m.cpu.machine === null || m.cpu.server === null ? null : Math.max(0, (m.cpu.machine - m.cpu.server - m.cpu.client) / m.cpu.wall)));
    if (baseCpu !== null) {
      log(`\nCPU (1.00 = one core busy for the whole measurement; the machine has ${os.availableParallelism()}):`);
      printTable(
        ["Scenario", "Server CPU ms/request", "× baseline", "Server CPU", "Client CPU", "Other processes"],
        rows.map((m, i) => [m.label, fmt(cpuPerRequest(m) ?? 0, 2), `${fmt((cpuPerRequest(m) ?? 0) / baseCpu, 1)}×`, fmt((m.cpu.server ?? 0) / m.cpu.wall, 2), fmt(m.cpu.client / m.cpu.wall, 2), otherCpu[i] === null ? "–" : fmt(otherCpu[i]!, 2)]),
      );
    }
    log(`The autosave cycle's requests, req/s and latencies are per cycle (a POST and a GET .data).`);
    log(`\nBaseline = mean of the two autocannon /healthz runs: ${fmt(baseRps)} req/s, p50 ${fmt(baseP50, 1)} ms, p99 ${fmt(baseP99, 1)} ms (drift between them: ${fmt(((after.rps - before.rps) / before.rps) * 100, 1)} %).`);
    log(
      `Against the custom client's own /healthz (${fmt(loopBaseline.rps)} req/s, p99 ${fmt(loopBaseline.p99, 1)} ms): ` +
        `one answer ${fmt(saveOne.rps / loopBaseline.rps, 2)}× req/s, ${fmt(saveOne.p99 / loopBaseline.p99, 1)}× p99; ` +
        `whole section ${fmt(saveSection.rps / loopBaseline.rps, 2)}× req/s, ${fmt(saveSection.p99 / loopBaseline.p99, 1)}× p99.`,
    );
    const busiest = Math.max(...otherCpu.map((o) => o ?? 0));
    if (busiest > 0.25) log(`Warning: other processes used up to ${fmt(busiest, 2)} cores during the measurements: the req/s and latency figures are disturbed; rerun on a quiet machine.`);

    if (process.env.BENCH_ASSESSMENT_JSON) {
      const json = {
        at: new Date().toISOString(),
        machine: { cores: os.availableParallelism(), cpu: cpus[0]?.model.trim(), node: process.version },
        settings: { duration: DURATION, warmup: WARMUP, connections: CONNECTIONS, organisations: ORGS },
        page: { bytes: pageCheck.body.length, dataBytes: dataCheck.body.length, questions: shown },
        baseline: { rps: baseRps, p50: baseP50, p99: baseP99 },
        results: rows.map((m) => ({ scenario: m.key, client: m.client, rps: m.rps, p50: m.p50, p99: m.p99, requests: m.total, serverCpuPerRequest: cpuPerRequest(m), ratioRps: m.rps / baseRps, ratioP99: m.p99 / baseP99 })),
      };
      fs.writeFileSync(process.env.BENCH_ASSESSMENT_JSON, `${JSON.stringify(json, null, 2)}\n`);
    }
  } catch (error) {
    if (fs.existsSync(serverLog)) {
      const tail = fs.readFileSync(serverLog, "utf8").split("\n").slice(-20).join("\n");
      process.stderr.write(`\nLast lines of the server log:\n${tail}\n`);
    }
    throw error;
  } finally {
    await cleanup();
  }
}

main().catch((error) => {
  process.stderr.write(`\nBenchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
