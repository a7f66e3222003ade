/**
 * The harness itself: the axe check fails on a page with a violation (with and without JavaScript)
 * and says what is wrong, and a page reached around the helpers is reported as unchecked. Without
 * this, a broken check would let every journey pass.
 */
import { describe, expect, it } from "vitest";
import { PortalPage, usePortal } from "./support/browser";

const e2e = usePortal();

async function addImageWithoutAlt(p: PortalPage) {
  await p.page.evaluate(() => {
    const img = document.createElement("img");
    img.src = "/favicon.svg";
    document.getElementById("main")!.append(img);
  });
}

describe("the end-to-end harness", () => {
  for (const javaScriptEnabled of [true, false]) {
    it(`fails a page with an accessibility violation (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async () => {
      const p = await e2e.open({ javaScriptEnabled, label: "harness" });
      await p.goto("/login");
      await addImageWithoutAlt(p);
      const failure = await p.checkPage().then(
        () => null,
        (error: Error) => error.message,
      );
      expect(failure).toMatch(/axe-core found 1 accessibility violation\(s\) on http:\/\/127\.0\.0\.1:\d+\/login/);
      expect(failure).toContain("image-alt");
      expect(failure).toContain('<img src="/favicon.svg">');
    });
  }

  it("reports a page that was shown but not checked", async () => {
    const p = await e2e.open({ label: "harness" });
    await p.goto("/login");
    p.expectEveryPageChecked();
    await p.page.goto("/register");
    expect(() => p.expectEveryPageChecked()).toThrow(/not checked with axe[\s\S]*\/register/);
  });
});
