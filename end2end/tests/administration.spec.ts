import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test, expect, expectAccessible, login, Account } from './fixtures';

const ADMIN: Account = { email: 'admin@ars.exemple.fr', password: 'Admin-Demo-2026!' };

/** A FINESS legal entities extract with one refused line, as the State publishes it. */
function extract(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'finess-')), 'etalab-cs1100501-stock-test.csv');
  fs.writeFileSync(
    file,
    [
      'finess;etalab;100;2026-11-30',
      'structureej;900000111;ASSOCIATION DU TERRITOIRE;;;4;R;DES VOSGES;;;;010;90000 BELFORT;90;TERRITOIRE DE BELFORT;0384000000;60;Association;;;;;',
      'structureej;9000001;NUMERO TROP COURT;;;4;R;DES VOSGES;;;;010;90000 BELFORT;90;TERRITOIRE DE BELFORT;;60;Association;;;;;',
      '',
    ].join('\n'),
  );
  return file;
}

test('an administrator previews a FINESS extract, then imports it', async ({ page, consoleErrors }) => {
  await login(page, ADMIN);
  await page.getByRole('link', { name: 'Administration' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Importer le fichier FINESS' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Départements de la région').fill('90');
  await page.getByLabel('Fichier des entités juridiques').setInputFiles(extract());
  await page.getByRole('button', { name: "Prévisualiser l'import" }).click();

  await expect(page.getByRole('heading', { name: "Aperçu de l'import" })).toBeVisible();
  await expect(page.getByRole('row', { name: /Entités juridiques 1 0 0/ })).toBeVisible();
  await expect(page.getByRole('row', { name: /Entités juridiques 3 .*n'est pas un numéro FINESS/ })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'ASSOCIATION DU TERRITOIRE' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: "Confirmer l'import" }).click();

  await expect(page.getByText('Import terminé : 1 création(s) et 0 mise(s) à jour')).toBeVisible();
  await page.goto('/entites-juridiques/900000111');
  await expect(page.getByText('4 R DES VOSGES 90000 BELFORT')).toBeVisible();
});
