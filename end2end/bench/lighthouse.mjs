// `make bench`, pages as an establishment's old PC sees them: Lighthouse 12.2.3 (its default
// mobile profile: simulated slow 4G, a 4x slower CPU) in Debian's Chromium, on the login page,
// the home page, a contract page and the 500-question tree, logged in where needed. Prints the
// scores and timings of each page, then what it sent by kind (compressed, as sent). Asserts
// nothing: the figures are for the README and the issue's targets.
// Usage: node end2end/bench/lighthouse.mjs <base URL>

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';

const base = process.argv[2] ?? 'http://127.0.0.1:3200';
const chrome = process.env.CHROMIUM ?? '/usr/bin/chromium';
const folder = mkdtempSync(join(tmpdir(), 'ecars-lighthouse-'));

/** Logs `email` in through the login page; returns its cookies and the addresses it reaches. */
async function visit(email, password, links) {
  const browser = await chromium.launch({ executablePath: chrome, args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage({ baseURL: base, locale: 'fr-FR' });
  await page.goto('/connexion');
  await page.getByLabel('Identifiant').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Connexion' }).click();
  await page.getByRole('heading', { level: 1, name: 'Gestion des Contrats' }).waitFor();
  const addresses = { 'accueil': page.url() };
  for (const [name, path] of links) {
    for (const link of path) await page.getByRole('link', link).first().click();
    await page.locator('main h1').first().waitFor();
    addresses[name] = page.url();
  }
  const cookie = (await page.context().cookies()).map(({ name, value }) => `${name}=${value}`).join('; ');
  await browser.close();
  return { cookie, addresses };
}

function lighthouse(name, address, cookie) {
  const report = join(folder, `${name}.json`);
  const args = [
    address,
    '--quiet',
    '--output=json',
    `--output-path=${report}`,
    '--only-categories=performance,accessibility,best-practices',
    '--chrome-flags=--headless=new --no-sandbox --disable-gpu',
  ];
  if (cookie) {
    const headers = join(folder, `${name}-headers.json`);
    writeFileSync(headers, JSON.stringify({ Cookie: cookie }));
    args.push(`--extra-headers=${headers}`);
  }
  execFileSync('node_modules/.bin/lighthouse', args, { env: { ...process.env, CHROME_PATH: chrome }, stdio: ['ignore', 'ignore', 'inherit'] });
  return JSON.parse(readFileSync(report, 'utf8'));
}

const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;

function summary(name, result) {
  const score = (category) => Math.round(result.categories[category].score * 100);
  const ms = (audit) => `${(result.audits[audit].numericValue / 1000).toFixed(1)} s`;
  console.log(
    `  ${name.padEnd(22)} performance ${score('performance')}  accessibility ${score('accessibility')}  best practices ${score('best-practices')}` +
      `  FCP ${ms('first-contentful-paint')}  LCP ${ms('largest-contentful-paint')}  interactive ${ms('interactive')}` +
      `  TBT ${result.audits['total-blocking-time'].numericValue.toFixed(0)} ms  CLS ${result.audits['cumulative-layout-shift'].numericValue.toFixed(3)}`,
  );
  const sent = {};
  for (const request of result.audits['network-requests'].details.items) {
    const kind = request.url.match(/\.(wasm|js|css|woff2|svg)(\?|$)/)?.[1] ?? (request.resourceType === 'Document' ? 'html' : 'other');
    sent[kind] = (sent[kind] ?? 0) + request.transferSize;
  }
  // Where the (4x slower) main thread spent its time: what the total blocking time comes from.
  const work = result.audits['mainthread-work-breakdown'].details.items
    .filter((item) => item.duration >= 20)
    .map((item) => `${item.groupLabel.toLowerCase()} ${item.duration.toFixed(0)} ms`);
  console.log(`  ${''.padEnd(22)} main thread: ${work.join(', ')}`);
  const total = Object.values(sent).reduce((sum, bytes) => sum + bytes, 0);
  console.log(`  ${''.padEnd(22)} sent ${kib(total)}: ${Object.entries(sent).map(([kind, bytes]) => `${kind} ${kib(bytes)}`).join(', ')}`);
  for (const [audit, detail] of Object.entries(result.audits)) {
    if (detail.score !== null && detail.score < 1 && ['accessibility', 'best-practices'].some((category) =>
      result.categories[category].auditRefs.some((ref) => ref.id === audit && ref.weight > 0))) {
      console.log(`  ${''.padEnd(22)} to fix: ${audit} (${detail.title})`);
    }
  }
}

console.log('== Lighthouse 12.2.3, mobile profile (slow 4G, 4x CPU), Debian Chromium');
summary('login page', lighthouse('connexion', `${base}/connexion`));
const hospital = await visit('chu-grenoble@exemple.fr', 'Grenoble-Demo-2026!', [
  ['contract page', [{ name: /CHU DE GRENOBLE ALPES/ }, { name: 'CAQES TEST', exact: true }]],
]);
summary('home page', lighthouse('accueil', hospital.addresses['accueil'], hospital.cookie));
summary('contract page', lighthouse('contrat', hospital.addresses['contract page'], hospital.cookie));
const performance = await visit('performance@exemple.fr', 'Performance-Demo-2026!', [
  ['tree', [{ name: /CENTRE HOSPITALIER FICTIF/ }, { name: 'CAQES PERFORMANCE 500', exact: true }, { name: 'Saisir les indicateurs' }]],
]);
summary('500-question tree', lighthouse('arbre', performance.addresses['tree'], performance.cookie));
rmSync(folder, { recursive: true, force: true });
