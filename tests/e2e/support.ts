import { expect, test, type Locator, type Page } from '@playwright/test';

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

/**
 * Types a path into the in-app file browser and presses Enter; with `selectedName`, waits until that
 * file is shown selected. It first waits for the browser's opening listing to arrive: that listing
 * writes its folder into the path field, and landing between Playwright's select-all and its typing
 * would leave the folder and the typed path run together (a CI failure seen once).
 */
export async function typePath(page: Page, path: string, selectedName?: string): Promise<Locator> {
  const browser = page.getByTestId('file-browser');
  const field = browser.getByTestId('file-browser-path');
  await expect(browser).toBeVisible();
  await expect(browser.getByRole('listbox')).toHaveAttribute('aria-busy', 'false');
  await expect(field).not.toHaveValue('');
  await field.fill(path);
  await expect(field).toHaveValue(path);
  await field.press('Enter');
  if (selectedName) {
    await expect(browser.locator('[data-testid="file-row"][aria-selected="true"]')).toContainText(
      selectedName,
    );
  }
  return browser;
}
