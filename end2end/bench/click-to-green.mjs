// `make bench`, browser side: on the 500-question demo contract, the time from a click on
// "Enregistrer" to the question's dot turning green in the tree (headless Chromium, release build).
// Measured inside the page: from the click to the DOM change of the dot, server round trip included.
// Usage: node end2end/bench/click-to-green.mjs <base URL>

import { chromium } from '@playwright/test';

const base = process.argv[2] ?? 'http://127.0.0.1:3100';
const runs = 40;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const page = await browser.newPage({ baseURL: base, locale: 'fr-FR' });

await page.goto('/connexion');
await page.getByLabel('Identifiant').fill('performance@exemple.fr');
await page.getByLabel('Mot de passe').fill('Performance-Demo-2026!');
await page.getByRole('button', { name: 'Connexion' }).click();
await page.getByRole('link', { name: /CENTRE HOSPITALIER FICTIF/ }).click();
await page.getByRole('link', { name: 'CAQES PERFORMANCE 500', exact: true }).click();
await page.getByRole('link', { name: 'Saisir les indicateurs' }).click();
await page.locator('.tree__dot--red').first().waitFor();
// Pages load whole: wait for the tree's island to be interactive.
await page.locator('html[data-hydrated="true"]').waitFor();

const times = [];
for (let run = 0; run < runs; run++) {
  // The next question still to answer: open its panel, tick "Non concerné" (valid for every kind).
  const leaf = page.locator('li.tree__leaf', { has: page.locator('.tree__dot--red') }).first();
  const href = await leaf.locator('a').getAttribute('href');
  await leaf.locator('a').click();
  // The panel keeps the previous question until the new one has loaded.
  const id = href.match(/question=(\d+)/)[1];
  await page.locator(`input[name="question_id"][value="${id}"]`).waitFor({ state: 'attached' });
  await page.locator('label[for="non-concerne"]').click();
  times.push(
    await page.evaluate(async (href) => {
      const dot = document.querySelector(`a[href="${href}"]`).closest('li').querySelector('.tree__dot');
      const button = [...document.querySelectorAll('button[type="submit"]')].find((b) => b.textContent.trim() === 'Enregistrer');
      return new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          if (dot.classList.contains('tree__dot--green')) {
            observer.disconnect();
            resolve(performance.now() - started);
          }
        });
        observer.observe(dot, { attributes: true, attributeFilter: ['class'] });
        const started = performance.now();
        button.click();
      });
    }, href),
  );
}
await browser.close();

times.sort((a, b) => a - b);
const at = (fraction) => times[Math.round((times.length - 1) * fraction)];
console.log(`== Chromium (headless)`);
console.log(`  click on "Enregistrer" to green dot: median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms (${times.length} runs)`);
