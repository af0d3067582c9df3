import { test, type Page } from '@playwright/test';

/** A screenshot into this test's output folder (test-results/…), to be looked at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`) });
}

export interface PageErrors {
  /** Console errors, uncaught page errors and HTTP answers ≥ 400 seen so far. */
  list: string[];
  /**
   * Runs `during` while a refusal of the RPC `method` is expected (a bad file offered on purpose): its
   * 4xx answer, and the console line the browser prints for it, are not errors then.
   */
  expectRefusal<T>(method: string, during: () => Promise<T>): Promise<T>;
}

/** Collects everything that went wrong in the page, so a spec can end with "no errors". */
export function watchPageErrors(page: Page): PageErrors {
  const list: string[] = [];
  let refused: string | null = null;
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (refused && /status of 4\d\d/.test(m.text())) return;
    list.push(m.text());
  });
  page.on('pageerror', (e) => list.push(e.message));
  page.on('response', (r) => {
    if (r.status() < 400) return;
    if (refused && r.url().endsWith(`/rpc/${refused}`)) return;
    list.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return {
    list,
    async expectRefusal(method, during) {
      refused = method;
      try {
        return await during();
      } finally {
        refused = null;
      }
    },
  };
}
