/**
 * A real Chromium (the system's /usr/bin/chromium, never a downloaded one) and a page wrapper through
 * which every navigation and every form submission goes: each waits for the page to settle (document
 * loaded; with JavaScript, hydrated and the Remix router idle with the new location rendered), then
 * runs axe-core on it and fails on any violation. Every address the main frame shows is recorded, and
 * `expectEveryPageChecked` fails when one of them was not checked, or when the page threw an error.
 *
 * Without JavaScript, Chromium also stops the timers of injected scripts, which axe-core needs. So a
 * page of a context without JavaScript is checked as a twin: its document, exactly as rendered there
 * but with its (unrun) scripts removed, is served at the same address to a page of a second context
 * with JavaScript, and axe-core runs on that.
 */
import fs from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import type { AxeResults } from "axe-core";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page, type Route } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";
import { startPortal, type Portal } from "./portal";

const CHROMIUM = process.env.E2E_CHROMIUM ?? "/usr/bin/chromium";

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\`.`);
  // Playwright gives every launch a fresh temporary --user-data-dir of its own (and refuses one in
  // args), so each run starts from an empty profile.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export type UrlExpectation = RegExp | ((url: URL) => boolean);

/** A URL predicate: this path, and (optionally) these query parameters with these values. */
export function at(pathname: string | RegExp, params: Record<string, string> = {}): (url: URL) => boolean {
  return (url) =>
    (typeof pathname === "string" ? url.pathname === pathname : pathname.test(url.pathname)) &&
    Object.entries(params).every(([k, v]) => url.searchParams.get(k) === v);
}

function matches(expectation: UrlExpectation, href: string): boolean {
  return expectation instanceof RegExp ? expectation.test(href) : expectation(new URL(href));
}

export function formatViolations(results: AxeResults): string {
  return results.violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `    - ${n.target.join(" ")}\n      ${n.html.slice(0, 300)}\n      ${(n.failureSummary ?? "").replace(/\n/g, "\n      ")}`)
        .join("\n");
      return `  [${v.impact ?? "?"}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join("\n");
}

export interface SubmitOptions {
  /** The address the submission leads to (it must not match the current one). */
  url?: UrlExpectation;
  /** Something that appears once the answer to the submission has been rendered. */
  until?: Locator;
}

export class PortalPage {
  readonly navigated: string[] = [];
  readonly checked = new Set<string>();
  readonly problems: string[] = [];
  private checks = 0;

  private twin: Page | undefined;

  private constructor(
    readonly page: Page,
    readonly context: BrowserContext,
    readonly javaScript: boolean,
    readonly label: string,
    private readonly contextOptions: BrowserContextOptions,
  ) {
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame() && frame.url() !== "about:blank") this.navigated.push(frame.url());
    });
    page.on("pageerror", (error) => this.problems.push(`page error on ${page.url()}: ${error.message}`));
    page.on("console", (message) => {
      // A refused form is answered with HTTP 400/403/409/429, which Chromium logs as a failed
      // resource: expected. Anything else (a missing script, a 5xx, a CSP report…) is a problem.
      const refusedForm = /^Failed to load resource: the server responded with a status of (400|403|409|429)\b/.test(message.text());
      if (message.type() === "error" && !refusedForm) {
        this.problems.push(`console error on ${page.url()}: ${message.text()}`);
      }
    });
  }

  /** A new browser context (its own cookies) with one page. A Swedish browser unless told otherwise. */
  static async open(browser: Browser, portal: Portal, openOptions: BrowserContextOptions & { label?: string } = {}): Promise<PortalPage> {
    const { label = "browser", ...contextOptions } = openOptions;
    const options = { locale: "sv-SE", baseURL: portal.url, ...contextOptions };
    const context = await browser.newContext(options);
    context.setDefaultTimeout(20_000);
    context.setDefaultNavigationTimeout(30_000);
    const page = await context.newPage();
    return new PortalPage(page, context, options.javaScriptEnabled !== false, label, options);
  }

  url(): URL {
    return new URL(this.page.url());
  }

  /** Opens a path (or absolute address) of the portal, then checks the page. */
  async goto(target: string): Promise<void> {
    await this.page.goto(target);
    await this.checkPage();
  }

  /** Clicks a link, waits for the page it leads to, then checks it. */
  async follow(link: Locator, url: UrlExpectation): Promise<void> {
    await this.submit(link, { url });
  }

  /**
   * Clicks a submit button (or a link) and waits for the answer: the new address, and/or something
   * that appears on the page. Then checks the page it shows.
   */
  async submit(control: Locator, { url, until }: SubmitOptions): Promise<void> {
    if (!url && !until) throw new Error("submit() needs the address or the content that the submission leads to");
    if (url && !until && matches(url, this.page.url())) throw new Error(`submit(): already at ${this.page.url()}; say what appears instead`);
    await control.click();
    try {
      if (url) await this.page.waitForURL((u) => matches(url, u.href), { timeout: 30_000 });
      if (until) await until.first().waitFor({ state: "visible", timeout: 30_000 });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${await this.describe()}`, { cause: error });
    }
    await this.checkPage();
  }

  /** Where the page is and the messages it shows: for failure messages. */
  async describe(): Promise<string> {
    const messages = await this.page
      .locator('[role="alert"], [role="status"], .error, .message')
      .allInnerTexts()
      .catch(() => []);
    return `The page is at ${this.page.url()} (${this.label}); messages shown: ${messages.length ? messages.map((m) => JSON.stringify(m.trim())).join(", ") : "none"}`;
  }

  /** Waits until the current page is loaded (and, with JavaScript, hydrated and idle). */
  async settle(): Promise<void> {
    await this.page.waitForLoadState("load");
    if (!this.javaScript) return;
    await this.page.waitForFunction(
      () => {
        const router = (window as any).__remixRouter;
        const main = document.getElementById("main");
        if (!router || !main) return false;
        const hydrated = Object.keys(main).some((k) => k.startsWith("__reactProps$"));
        const idle =
          router.state.navigation.state === "idle" &&
          router.state.revalidation === "idle" &&
          [...router.state.fetchers.values()].every((f: { state: string }) => f.state === "idle");
        // The header's language switch renders the router's location: it matches the address bar
        // once React has rendered the page that the router navigated to.
        const rendered = document.querySelector<HTMLInputElement>('form[action="/lang"] input[name="redirectTo"]')?.value;
        return hydrated && idle && rendered === location.pathname + location.search;
      },
      undefined,
      { timeout: 30_000, polling: 50 },
    );
  }

  /** Settles the page and runs axe-core on it: any violation fails the test. */
  async checkPage(): Promise<void> {
    await this.settle();
    const where = this.page.url();
    const results = this.javaScript ? await new AxeBuilder({ page: this.page }).analyze() : await this.analyzeTwin();
    if (results.violations.length > 0) {
      throw new Error(`axe-core found ${results.violations.length} accessibility violation(s) on ${where} (${this.label}):\n${formatViolations(results)}`);
    }
    this.checked.add(where);
    this.checks++;
  }

  /** axe-core on the document of this (script-less) page, in a twin page with JavaScript (see above). */
  private async analyzeTwin(): Promise<AxeResults> {
    const url = this.page.url();
    const html = (await this.page.content())
      .replace(/<script\b[\s\S]*?<\/script>/gi, "")
      .replace(/<link\b[^>]*\brel="modulepreload"[^>]*>/gi, "");
    if (!this.twin) {
      const browser = this.context.browser()!;
      const twinContext = await browser.newContext({ ...this.contextOptions, javaScriptEnabled: true });
      this.twin = await twinContext.newPage();
    }
    const twin = this.twin;
    const here = (u: URL) => u.href === url;
    const serve = (route: Route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html });
    await twin.route(here, serve);
    try {
      await twin.goto(url, { waitUntil: "load" });
    } finally {
      await twin.unroute(here, serve);
    }
    return new AxeBuilder({ page: twin }).analyze();
  }

  /** Every address the page showed was checked with axe, and the page threw no error. */
  expectEveryPageChecked(): void {
    const unchecked = [...new Set(this.navigated)].filter((u) => !this.checked.has(u));
    if (unchecked.length) throw new Error(`Pages shown but not checked with axe (${this.label}):\n  ${unchecked.join("\n  ")}`);
    if (this.problems.length) throw new Error(`Problems in the browser (${this.label}):\n  ${this.problems.join("\n  ")}`);
    console.info(`[e2e] ${this.label}: ${this.checks} axe-core checks on ${this.checked.size} addresses, no violations`);
  }

  async close(): Promise<void> {
    await this.twin?.context().close();
    await this.context.close();
  }
}

/**
 * One built portal and one Chromium per test file; every page a test opens is closed after it.
 * `e2e.open(options)` opens a page in a fresh browser context.
 */
export function usePortal() {
  let portal: Portal | undefined;
  let browser: Browser | undefined;
  const opened: PortalPage[] = [];
  beforeAll(async () => {
    portal = await startPortal();
    browser = await launchBrowser();
  });
  afterEach(async () => {
    while (opened.length) await opened.pop()!.close();
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
  });
  return {
    get portal(): Portal {
      if (!portal) throw new Error("the portal is not running yet");
      return portal;
    },
    async open(options: Parameters<typeof PortalPage.open>[2] = {}): Promise<PortalPage> {
      const p = await PortalPage.open(browser!, portal!, options);
      opened.push(p);
      return p;
    },
  };
}
