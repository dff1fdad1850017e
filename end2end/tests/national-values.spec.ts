// The agency imports the ministry's values of the national indicators; the establishment sees them
// grey, with their source, and its fill percentage does not move.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Page } from '@playwright/test';
import { test, expect, expectAccessible, hydrated, login, Account, CHU } from './fixtures';

const ADMIN_ARA: Account = { email: 'admin-ara@ars.exemple.fr', password: 'Admin-Ara-Demo-2026!' };

function valuesFile(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'national-')), 'valeurs-dgos-ete.csv');
  fs.writeFileSync(
    file,
    [
      'FINESS;Code question;Valeur;Commentaire',
      '380780080;4.1.1.a;-4,2;Valeurs transmises par la DGOS',
      '380780080;2.1.1.a;Oui;',
      '',
    ].join('\r\n'),
  );
  return file;
}

const panel = (page: Page) => page.locator('section.question-panel');
const leaf = (page: Page, code: string) => page.locator('li.tree__leaf', { hasText: `${code} - ` });

async function openCaqesTestTree(page: Page) {
  await page.getByRole('link', { name: /CHU DE GRENOBLE ALPES/ }).click();
  await page.getByRole('link', { name: 'CAQES TEST', exact: true }).click();
  await page.getByRole('link', { name: 'Saisir les indicateurs' }).click();
  await hydrated(page);
}

test('national values are imported by the agency and shown grey to the establishment', async ({ page, consoleErrors }) => {
  await login(page, CHU);
  await openCaqesTestTree(page);
  const percentage = await page.locator('p.fill-percentage').innerText();

  await page.context().clearCookies();
  await login(page, ADMIN_ARA);
  await page.getByRole('link', { name: 'Administration' }).click();
  await page.getByRole('link', { name: 'Valeurs nationales', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Valeurs nationales' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('combobox', { name: /^Campagne/ }).selectOption({ label: 'CAQES 2022' });
  await page.getByLabel(/^Fichier des valeurs nationales/).setInputFiles(valuesFile());
  await page.getByRole('button', { name: "Prévisualiser l'import" }).click();
  await expect(page.getByRole('heading', { name: "Aperçu de l'import" })).toBeVisible();
  await expect(page.getByRole('row', { name: /^3 .*n'est pas un indicateur national/ })).toBeVisible();
  await expect(page.getByRole('row', { name: /380780080 - CHU DE GRENOBLE ALPES CAQES TEST 4\.1\.1\.a — -4,2/ })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: "Confirmer l'import" }).click();
  await expect(page.getByText('Valeurs nationales importées en une seule fois : 1 nouvelle(s), 0 mise(s) à jour.')).toBeVisible();

  await page.context().clearCookies();
  await login(page, CHU);
  await openCaqesTestTree(page);
  await expect(leaf(page, '4.1.1.a')).toContainText("valeur de l'agence : -4,2");
  await expect(page.locator('p.fill-percentage')).toHaveText(percentage);
  await leaf(page, '4.1.1.a').getByRole('link').click();
  await expect(panel(page)).toContainText('Indicateur national');
  await expect(panel(page)).toContainText('-4,2');
  await expect(panel(page)).toContainText('Source : valeurs nationales importées par l\'agence (fichier « valeurs-dgos-ete.csv »)');
  await expect(panel(page).locator('input:not([type=hidden]), textarea, button')).toHaveCount(0);
  await expectAccessible(page);
});
