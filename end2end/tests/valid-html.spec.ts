import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { APIRequestContext } from '@playwright/test';
import { test, expect, login, Account, CHU, REFERENT } from './fixtures';

// RGAA criterion 8.2: every page of the portal is valid HTML, as the server sends it. The pages
// are found the way a visitor finds them: from each account's home, every link of the portal,
// then the Nu Html Checker (vnu-jar) reads them all at once.

const ADMIN: Account = { email: 'admin@ars.exemple.fr', password: 'Admin-Demo-2026!' };
const PERFORMANCE: Account = { email: 'performance@exemple.fr', password: 'Performance-Demo-2026!' };
const VNU = path.join(__dirname, '..', '..', 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');

/** Not pages: files, server functions, leaving the session. */
const NOT_A_PAGE = /^\/(pkg|dsfr|api|documents)\/|\/deconnexion|export|modele|\.(svg|ico|css|js|wasm|xlsx|ods|csv|zip|pdf)$/;

/**
 * The pages reached from `starts` by following links, each kind of address once: the same path
 * with the same query names (a dashboard sorted otherwise is the same page).
 */
async function crawl(request: APIRequestContext, who: string, starts: string[], most = 70): Promise<Map<string, string>> {
  const pages = new Map<string, string>();
  const seen = new Set<string>();
  const queue = starts.map((start) => new URL(start, 'http://portail'));
  while (queue.length > 0 && pages.size < most) {
    const address = queue.shift()!;
    const kind = `${address.pathname}?${[...address.searchParams.keys()].sort().join('&')}`;
    if (seen.has(kind) || NOT_A_PAGE.test(address.pathname)) continue;
    seen.add(kind);
    const target = `${address.pathname}${address.search}`;
    const response = await request.get(target, { maxRedirects: 0 });
    if (!(response.headers()['content-type'] ?? '').startsWith('text/html') || response.status() >= 300 && response.status() < 400) {
      const location = response.headers()['location'];
      if (location) queue.push(new URL(location, address));
      continue;
    }
    const html = await response.text();
    pages.set(`${who} ${target}`, html);
    for (const [, href] of html.matchAll(/href="([^"]*)"/g)) {
      const link = new URL(href.replace(/&amp;/g, '&'), address);
      if (link.origin === address.origin) queue.push(link);
    }
  }
  return pages;
}

test('every page is valid HTML (Nu Html Checker): anonymous, establishment, referent, administrator', async ({ browser }) => {
  test.setTimeout(300_000);
  const pages = new Map<string, string>();
  const anonymous = await browser.newContext();
  for (const [address, html] of await crawl(anonymous.request, 'anonyme', ['/connexion', '/mot-de-passe/nouveau?jeton=inconnu', '/accessibilite', '/plan-du-site', '/mentions-legales', '/donnees-personnelles'])) {
    pages.set(address, html);
  }
  await anonymous.close();
  for (const [who, account] of [['établissement', CHU], ['référent', REFERENT], ['administrateur', ADMIN], ['500 questions', PERFORMANCE]] as const) {
    const context = await browser.newContext();
    const visitor = await context.newPage();
    await visitor.setExtraHTTPHeaders({ 'X-Forwarded-For': `127.1.0.${pages.size % 250 + 2}` });
    await login(visitor, account);
    // The home, an unknown page, then whatever their links lead to (contracts, trees, panels...).
    for (const [address, html] of await crawl(context.request, who, ['/', '/contrats/999999', '/mon-compte'])) {
      pages.set(address, html);
    }
    await context.close();
  }
  const addresses = [...pages.keys()];
  for (const expected of ['/indicateurs', '/indicateurs?question=', '/suivi', '/connexion', '/contrats/']) {
    expect(addresses.some((address) => address.includes(expected)), `a page ${expected} checked`).toBe(true);
  }

  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ecars-vnu-'));
  const files = new Map<string, string>();
  addresses.forEach((address, index) => {
    const file = path.join(folder, `page-${index}.html`);
    fs.writeFileSync(file, pages.get(address)!);
    files.set(`file:${file}`, address);
  });
  const run = spawnSync('java', ['-jar', VNU, '--errors-only', '--format', 'json', folder], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect(run.error, 'java runs the Nu Html Checker').toBeUndefined();
  const messages: { url: string; message: string; extract?: string; lastLine?: number }[] = JSON.parse(run.stderr || '{"messages":[]}').messages;
  const errors = messages.map((error) => `${files.get(error.url) ?? error.url}:${error.lastLine ?? '?'}: ${error.message} ${error.extract ?? ''}`);
  console.log(`${addresses.length} pages checked by the Nu Html Checker`);
  expect(errors, `${errors.length} errors in ${addresses.length} pages`).toEqual([]);
  fs.rmSync(folder, { recursive: true, force: true });
});
