import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test, expect, expectAccessible, login, Account } from './fixtures';

const NATIONAL_ADMIN: Account = { email: 'admin@ars.exemple.fr', password: 'Admin-Demo-2026!' };
const ADMIN_BFC: Account = { email: 'admin-bfc@ars.exemple.fr', password: 'Admin-Bfc-Demo-2026!' };

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

test('an agency administrator previews a FINESS extract, then imports it', async ({ page, consoleErrors }) => {
  await login(page, ADMIN_BFC);
  await page.getByRole('link', { name: 'Administration' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Importer le fichier FINESS' })).toBeVisible();
  await expectAccessible(page);
  // The agency's départements are proposed.
  await expect(page.getByLabel('Départements à importer')).toHaveValue('21, 25, 39, 58, 70, 71, 89, 90');
  await page.getByLabel('Départements à importer').fill('90');
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

test('a national administrator creates an agency; a refused form keeps what was typed', async ({ page, consoleErrors }) => {
  await login(page, NATIONAL_ADMIN);
  await page.getByRole('link', { name: 'Administration' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Agences' })).toBeVisible();
  await expect(page.getByRole('rowheader', { name: 'ARS Bourgogne-Franche-Comté' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel("Nom de l'agence").fill('ARS Normandie');
  await page.getByLabel('Région', { exact: true }).selectOption('Normandie');
  await page.getByLabel('Adresse du service qualité').fill('qualite@ars-normandie.fr');
  await page.getByLabel('Adresse du support').fill('support@ars-normandie.fr');
  await page.getByLabel('Téléphone du support').fill('02 31 00 00 00');
  await page.getByLabel('Départements').fill('14, 38');
  await page.getByLabel('Adresse du premier administrateur').fill('admin@ars-normandie.fr');
  await page.getByRole('button', { name: "Créer l'agence" }).click();
  await expect(page.getByRole('alert')).toContainText("Le département « 38 » n'est pas en Normandie");
  await expect(page.getByLabel("Nom de l'agence")).toHaveValue('ARS Normandie');
  await expect(page.getByLabel('Région', { exact: true })).toHaveValue('Normandie');

  await page.getByLabel('Départements').fill('');
  await page.getByRole('button', { name: "Créer l'agence" }).click();
  await expect(page.getByText("L'agence « ARS Normandie » est créée")).toBeVisible();
  await expect(page.getByRole('row', { name: /ARS Normandie .*14, 27, 50, 61, 76.*admin@ars-normandie\.fr/ })).toBeVisible();
});

test('an agency administrator imports a referential after seeing its tree and refused rows', async ({ page, consoleErrors }) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'referentiel-')), 'referentiel.csv');
  fs.writeFileSync(
    file,
    [
      'Code;Code parent;Libellé;Type de nœud;Type de valeur;Cible;National',
      '1;;Qualité des soins;objectif;;;',
      '1.a;1;Taux de conformité;question;pourcentage;80;non',
      '1.b;7;Parent inconnu;question;texte;;',
      '',
    ].join('\n'),
  );
  await login(page, ADMIN_BFC);
  await page.getByRole('link', { name: 'Administration' }).click();
  await page.getByRole('link', { name: "Référentiels d'indicateurs" }).click();
  await expect(page.getByRole('heading', { level: 1, name: "Référentiels d'indicateurs" })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Télécharger le modèle' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Nom du référentiel').fill('CAQES essai');
  await page.getByLabel('Fichier du référentiel').setInputFiles(file);
  await page.getByRole('button', { name: "Prévisualiser l'import" }).click();

  await expect(page.getByText('1 objectif(s) et 1 question(s), qui seraient la version 1')).toBeVisible();
  await expect(page.getByRole('row', { name: /4 code parent 7 inconnu/ })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Taux de conformité' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: "Confirmer l'import" }).click();
  await expect(page.getByText('Référentiel « CAQES essai » importé : version 1')).toBeVisible();
  await expect(page.getByRole('row', { name: /CAQES essai 1 .* 1 1 Aucun/ })).toBeVisible();
});

test('the journal lists the agency changes, filters them, and exports them', async ({ page, consoleErrors }) => {
  await login(page, ADMIN_BFC);
  await page.getByRole('link', { name: 'Administration' }).click();
  await page.getByRole('link', { name: 'Journal des modifications' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Journal des modifications' })).toBeVisible();
  // The FINESS import of the first test of this file, and the demo's own.
  await expect(page.getByRole('cell', { name: 'Import du fichier FINESS' }).first()).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Type de modification').selectOption({ label: 'Événement de sécurité' });
  await page.getByLabel('Personne').fill('admin-bfc');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await expect(page).toHaveURL(/type=security_event/);
  await expect(page.getByRole('cell', { name: 'Connexion' }).first()).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Import du fichier FINESS' })).toHaveCount(0);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: /Exporter en CSV/ }).click();
  const file = await (await download).path();
  const csv = fs.readFileSync(file!, 'utf8');
  expect(csv).toContain('Date;Personne;Type;Objet;Avant;Après');
  expect(csv).toContain('"admin-bfc@ars.exemple.fr";"Événement de sécurité";"Connexion"');
});
