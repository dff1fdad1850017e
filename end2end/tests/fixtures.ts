import * as fs from 'fs';
import * as path from 'path';
import { test as base, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

/** Every page test fails if the browser console shows an error or the page throws. */
/** How many tests have taken a page: each is a client of its own (below). */
let clients = 0;

export const test = base.extend<{ consoleErrors: string[]; outboxAtStart: void }>({
  // Each test is a client of its own for the per-client login limit (30 in 5 minutes): the e2e
  // server trusts the loopback proxy (playwright.config.ts), so the suite's many logins are not
  // one office trying account after account.
  page: async ({ page }, use) => {
    clients += 1;
    await page.setExtraHTTPHeaders({ 'X-Forwarded-For': `127.0.${Math.floor(clients / 250)}.${(clients % 250) + 2}` });
    await use(page);
  },
  // Mail an earlier test caused is not this test's: a code sent twice to the same address must not
  // be read from the first message while the second is still being delivered.
  outboxAtStart: [
    async ({}, use) => {
      earlierMessages = new Set(outboxFiles());
      await use();
    },
    { auto: true },
  ],
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (message) => {
      // A refused value (400) or a conflict (409) is an answer the page shows, not a failure.
      const expected = /Failed to load resource: the server responded with a status of (400|409)/;
      if (message.type() === 'error' && !expected.test(message.text())) errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await use(errors);
    expect(errors, 'console errors').toEqual([]);
  },
});

export { expect };

/** Waits until the WASM has taken over the server-rendered page: every island of the page,
 * the lazy ones too (hydrated once their own file has arrived). */
export async function hydrated(page: Page) {
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await expect
    .poll(() =>
      page.evaluate(
        () => Number(document.documentElement.dataset.islandsReady ?? 0) >= document.querySelectorAll('leptos-island').length,
      ),
    )
    .toBe(true);
}

/** Marks the current document: the mark survives client-side navigation, not a reload. */
export async function markDocument(page: Page) {
  await page.evaluate(() => ((window as unknown as { __ecarsMark: boolean }).__ecarsMark = true));
}

export async function documentIsMarked(page: Page) {
  return page.evaluate(() => (window as unknown as { __ecarsMark?: boolean }).__ecarsMark === true);
}

/** No serious or critical accessibility violation (axe-core, WCAG A and AA rules). */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const blocking = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(blocking, `accessibility violations on ${page.url()}`).toEqual([]);
}

export type Account = { email: string; password: string };
export const CHU: Account = { email: 'chu-grenoble@exemple.fr', password: 'Grenoble-Demo-2026!' };
export const REFERENT: Account = { email: 'referent@ars.exemple.fr', password: 'Referent-Demo-2026!' };
export const ACODEGE: Account = { email: 'acodege@exemple.fr', password: 'Acodege-Initial-2026!' };

/**
 * Logs in through the login page, checks the account lands on its home ("Suivi de la campagne"
 * for a referent, "Gestion des Contrats" otherwise), and goes on from "Gestion des Contrats".
 */
export async function login(page: Page, account: Account) {
  // A plain form, without island: the page loads no WASM.
  await page.goto('/connexion');
  await page.getByLabel('Identifiant').fill(account.email);
  await page.getByLabel('Mot de passe').fill(account.password);
  await page.getByRole('button', { name: 'Connexion' }).click();
  if (account === REFERENT) {
    await expect(page.getByRole('heading', { level: 1, name: 'Suivi de la campagne' })).toBeVisible();
    await page.goto('/');
  }
  await expect(page.getByRole('heading', { level: 1, name: 'Gestion des Contrats' })).toBeVisible();
}

const outbox = path.resolve(__dirname, '..', '..', 'target', 'e2e-data', 'outbox');

let earlierMessages = new Set<string>();

function outboxFiles(): string[] {
  if (!fs.existsSync(outbox)) return [];
  return fs
    .readdirSync(outbox)
    .filter((name) => name.endsWith('.eml'))
    .map((name) => path.join(outbox, name));
}

/**
 * The messages the server wrote to its outbox since the current test began, oldest first, decoded
 * from quoted-printable.
 */
export function outboxMessages(): string[] {
  return outboxFiles()
    .filter((file) => !earlierMessages.has(file))
    .sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs)
    .map((file) => {
      // Quoted-printable encodes the bytes of UTF-8: they are put back together before decoding.
      const joined = fs.readFileSync(file, 'latin1').replace(/=\r?\n/g, '');
      const bytes = joined.replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    });
}

/**
 * The newest message of the outbox that `matches`. The server's mail worker delivers a message
 * just after the change that queued it is committed, so this waits for it (a few seconds at most).
 */
export async function mailMatching(matches: (message: string) => boolean, description: string): Promise<string> {
  let found: string | undefined;
  await expect
    .poll(() => (found = outboxMessages().filter(matches).at(-1)) !== undefined, { message: description, timeout: 10_000 })
    .toBe(true);
  return found!;
}
