// "Suivi de la campagne": a referent filters the late evaluations, sorts by fill percentage and
// opens a contract from the table; every view is an address (it works before the WASM loads).
import * as fs from 'fs';
import { test, expect, expectAccessible, login, REFERENT } from './fixtures';

/** The fill percentages of the table's rows, in the order shown. */
async function percentages(page: import('@playwright/test').Page): Promise<number[]> {
  const cells = await page.locator('.follow-up-table tbody tr td:nth-child(5)').allInnerTexts();
  return cells.map((text) => Number.parseInt(text, 10));
}

test('a referent filters the late evaluations, sorts them and opens one', async ({ page, consoleErrors }) => {
  await login(page, REFERENT);
  await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Suivi de la campagne' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Suivi de la campagne' })).toBeVisible();
  const table = page.locator('.follow-up-table table');
  await expect(table.getByRole('link', { name: /^380780080 - CHU DE GRENOBLE ALPES$/ })).toBeVisible();
  await expect(page.getByText(/\d+ évaluation\(s\) : \d+ clôturées?, \d+ en cours, \d+ non commencées?/)).toBeVisible();
  await expectAccessible(page);

  // Late: not closed, and filled below 100 %.
  await page.getByLabel(/En retard/).fill('100');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await expect(page).toHaveURL(/retard=100/);
  await expect(page.getByLabel(/En retard/)).toHaveValue('100');
  const rows = table.locator('tbody tr');
  for (const state of await rows.locator('.fr-badge').allInnerTexts()) {
    expect(state.toLowerCase()).not.toContain('clôturée');
  }
  for (const percentage of await percentages(page)) {
    expect(percentage).toBeLessThan(100);
  }

  // Sorted by percentage: the fullest first, then the emptiest first; the filter stays.
  await table.getByRole('link', { name: /^Pourcentage de remplissage/ }).click();
  await expect(page).toHaveURL(/tri=remplissage/);
  await expect(page).toHaveURL(/retard=100/);
  await expect(table.locator('th[aria-sort="descending"]')).toContainText('Pourcentage de remplissage');
  const descending = await percentages(page);
  expect(descending).toEqual([...descending].sort((a, b) => b - a));
  await table.getByRole('link', { name: /^Pourcentage de remplissage/ }).click();
  await expect(table.locator('th[aria-sort="ascending"]')).toContainText('Pourcentage de remplissage');
  const ascending = await percentages(page);
  expect(ascending).toEqual([...ascending].sort((a, b) => a - b));

  // A search that finds nothing says so; "Réinitialiser" comes back to the whole campaign.
  await page.getByLabel(/Entité juridique/).fill('aucune entité de ce nom');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await expect(page.getByText('Aucune évaluation ne correspond à ces filtres.')).toBeVisible();
  await page.getByRole('link', { name: 'Réinitialiser' }).click();
  await expect(table.getByRole('link', { name: 'CAQES TEST', exact: true })).toBeVisible();

  // The exports of this view: an .xlsx workbook and the answers as .csv.
  const workbook = page.waitForEvent('download');
  await page.getByRole('link', { name: /^Classeur Excel \(\.xlsx\)/ }).click();
  expect((await workbook).suggestedFilename()).toMatch(/^suivi-\d{4}\.xlsx$/);
  const answers = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Réponses (.csv)' }).click();
  const csv = fs.readFileSync(await (await answers).path(), 'utf8');
  expect(csv.startsWith('\ufeffFINESS;Entité juridique;Contrat;Année;')).toBe(true);
  expect(csv).toContain(';CAQES TEST;');

  await table.getByRole('link', { name: 'CAQES TEST', exact: true }).click();
  await expect(page.getByRole('heading', { name: /^Notes de l'agence/ })).toBeVisible();

  // This evaluation alone, from its contract page: its workbook, and its printable page.
  const alone = page.waitForEvent('download');
  await page.getByRole('link', { name: /^Classeur Excel \(\.xlsx\)/ }).click();
  expect((await alone).suggestedFilename()).toMatch(/^evaluation-contrat-\d+-\d{4}\.xlsx$/);
  await page.getByRole('link', { name: /^Version imprimable de l'évaluation/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Évaluation \d{4} : CAQES TEST$/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: /^1\.1\.1\.a - / })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Imprimer' })).toBeVisible();
  await expectAccessible(page);
  // Printed: no menus, no buttons, the answers only.
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('navigation', { name: 'Menu principal' })).toBeHidden();
  await expect(page.getByRole('button', { name: 'Imprimer' })).toBeHidden();
  await expect(page.getByRole('heading', { name: /^1\.1\.1\.a - / })).toBeVisible();
});

test('the charts of the campaign, each with its figures as a table', async ({ page, consoleErrors }) => {
  await login(page, REFERENT);
  await page.goto('/suivi');
  await page.getByRole('link', { name: 'Graphiques de ces évaluations' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Graphiques du suivi' })).toBeVisible();
  for (const title of ['Répartition des pourcentages de remplissage', 'Clôtures par semaine', 'Cible atteinte par objectif']) {
    await expect(page.getByRole('heading', { level: 2, name: title })).toBeVisible();
  }
  await expect(page.locator('svg.follow-up-chart').first()).toBeVisible();
  const fill = page.getByRole('table', { name: 'Évaluations par pourcentage de remplissage' });
  await expect(fill.getByRole('rowheader', { name: '100 %' })).toBeVisible();
  await expectAccessible(page);
  // Last year's campaign: the CAQES closed in June, all its Oui/Non questions answered "Oui".
  await page.goto('/suivi/graphiques?annee=2021&type=CAQES');
  const weeks = page.getByRole('table', { name: 'Clôtures par semaine' });
  await expect(weeks.getByRole('row').filter({ hasText: 'du 28/06/2021 au 04/07/2021' })).toContainText('1');
  await page.getByRole('link', { name: 'Retour au tableau de suivi' }).click();
  await expect(page).toHaveURL(/\/suivi\?annee=2021&type=CAQES/);
});
