import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test, expect, expectAccessible, hydrated, login, mailMatching, Account } from './fixtures';

const ADMIN_ARA: Account = { email: 'admin-ara@ars.exemple.fr', password: 'Admin-Ara-Demo-2026!' };
const NEWCOMER = 'direction@ch-voiron.fr';

function written(name: string, lines: string[]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'onboarding-')), name);
  fs.writeFileSync(file, lines.join('\n'));
  return file;
}

// The whole path of an agency taking in a new establishment: its legal entity from FINESS, a
// referential, a CAQES made from it, its user invited; then that user's first login from the mail.
test('an agency loads a new legal entity, its referential, contract and user, who logs in from the mail', async ({ page, consoleErrors }) => {
  test.setTimeout(120_000);
  await login(page, ADMIN_ARA);
  await page.getByRole('link', { name: 'Administration' }).click();
  await page.getByLabel('Départements à importer').fill('38');
  await page.getByLabel('Fichier des entités juridiques').setInputFiles(
    written('etalab-cs1100501-stock-voiron.csv', [
      'finess;etalab;100;2026-11-30',
      'structureej;380000333;CENTRE HOSPITALIER DE VOIRON;;;14;RUE;DE LA RESIDENCE;;;;563;38500 VOIRON;38;ISERE;0476678900;13;Etablissement Public Communal d\'Hospitalisation;;;;;',
      '',
    ]),
  );
  await page.getByRole('button', { name: "Prévisualiser l'import" }).click();
  await expect(page.getByRole('cell', { name: 'CENTRE HOSPITALIER DE VOIRON' })).toBeVisible();
  await page.getByRole('button', { name: "Confirmer l'import" }).click();
  await expect(page.getByText('Import terminé : 1 création(s)')).toBeVisible();

  await page.getByRole('link', { name: "Référentiels d'indicateurs" }).click();
  await page.getByLabel('Nom du référentiel').fill('CAQES Voiron');
  await page.getByLabel('Fichier du référentiel').setInputFiles(
    written('referentiel-voiron.csv', [
      'Code;Code parent;Libellé;Type de nœud;Type de valeur;Cible;National',
      '1;;Pertinence des prescriptions;objectif;;;',
      '1.a;1;Taux de prescriptions conformes;question;pourcentage;90;non',
      '1.b;1;Suivi régional des antibiotiques;question;nombre;;oui',
      '',
    ]),
  );
  await page.getByRole('button', { name: "Prévisualiser l'import" }).click();
  await page.getByRole('button', { name: "Confirmer l'import" }).click();
  await expect(page.getByText('Référentiel « CAQES Voiron » importé : version 1')).toBeVisible();

  await page.getByRole('link', { name: 'Contrats', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Contrats' })).toBeVisible();
  await page.getByRole('searchbox', { name: /Filtrer les entités juridiques/ }).fill('380000');
  await page.getByRole('button', { name: 'Filtrer', exact: true }).click();
  await expect(page).toHaveURL(/filtre=380000/);
  // A DSFR checkbox is drawn by its label, which takes the click.
  await page.getByText('380000333 - CENTRE HOSPITALIER DE VOIRON', { exact: true }).click();
  await expect(page.getByRole('checkbox', { name: '380000333 - CENTRE HOSPITALIER DE VOIRON' })).toBeChecked();
  await page.getByRole('combobox', { name: 'Référentiel et version' }).selectOption({ label: 'CAQES Voiron (version 1)' });
  await page.getByRole('textbox', { name: 'Nom du contrat' }).fill('CAQES VOIRON 2027');
  await page.getByRole('textbox', { name: 'Code', exact: true }).fill('PUBLIC');
  await page.getByRole('textbox', { name: 'Statut (par exemple : Signé)' }).fill('Signé');
  await page.getByRole('textbox', { name: 'Contact ARS' }).fill('Claire MARTIN');
  await page.getByRole('spinbutton', { name: "Année d'évaluation" }).fill('2027');
  await page.getByLabel("Date d'effet").fill('2027-01-01');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Créer le contrat' }).click();
  await expect(page.getByText('Contrat « CAQES VOIRON 2027 » créé pour 1 entité(s) juridique(s)')).toBeVisible();

  // Edited: the form comes filled with the contract's fields.
  await page.getByRole('link', { name: 'Modifier le contrat CAQES VOIRON 2027 de 380000333' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Modifier le contrat CAQES VOIRON 2027' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Contact ARS' })).toHaveValue('Claire MARTIN');
  await expectAccessible(page);
  await page.getByRole('textbox', { name: 'Contact ARS' }).fill('Claire MARTIN-DURAND');
  await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
  await expect(page.getByText('Les modifications du contrat sont enregistrées.')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Contact ARS' })).toHaveValue('Claire MARTIN-DURAND');

  await page.getByRole('link', { name: 'Comptes', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Comptes' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('textbox', { name: /Adresse email/ }).fill(NEWCOMER);
  await page.getByRole('combobox', { name: 'Profil' }).selectOption({ label: "Utilisateur d'établissement" });
  await page.getByRole('textbox', { name: /Entités juridiques/ }).fill('380000333');
  await page.getByRole('button', { name: "Inviter l'utilisateur" }).click();
  await expect(page.getByText(`Le compte ${NEWCOMER} est créé`)).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(`${NEWCOMER}.*380000333 - CENTRE HOSPITALIER DE VOIRON.*Jamais`) })).toBeVisible();
  await page.getByRole('button', { name: 'Déconnexion' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Connexion avec votre compte professionnel' })).toBeVisible();

  // The newcomer reads the invitation, logs in, renews the password, and finds the contract's tree.
  const invitation = await mailMatching((m) => m.includes(`To: ${NEWCOMER}`) && m.includes('Mot de passe provisoire'), 'the invitation');
  const initial = invitation.match(/^Mot de passe provisoire : (\S+)\s*$/m)?.[1];
  expect(initial, 'an initial password in the invitation').toBeTruthy();
  await page.getByLabel('Identifiant').fill(NEWCOMER);
  await page.getByLabel('Mot de passe').fill(initial!);
  await page.getByRole('button', { name: 'Connexion' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Renouveler le mot de passe' })).toBeVisible();
  await hydrated(page);
  await page.getByRole('button', { name: 'Envoyer le code de vérification' }).click();
  const codeMail = await mailMatching((m) => m.includes(`To: ${NEWCOMER}`) && /^\s*\d{8}\s*$/m.test(m), 'the code');
  await page.getByRole('textbox', { name: /^Code de vérification/ }).fill(codeMail.match(/^\s*(\d{8})\s*$/m)![1]);
  await page.getByRole('button', { name: 'Vérifier le code' }).click();
  await page.getByRole('link', { name: 'Continuer' }).click();
  await hydrated(page);
  await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('Voiron-Direction-2027!');
  await page.getByLabel('Confirmer le nouveau mot de passe').fill('Voiron-Direction-2027!');
  await page.getByRole('button', { name: 'Continuer' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Gestion des Contrats' })).toBeVisible();
  await page.getByRole('link', { name: '380000333 - CENTRE HOSPITALIER DE VOIRON' }).click();
  await page.getByRole('link', { name: 'CAQES VOIRON 2027' }).first().click();
  await expect(page.getByText('Claire MARTIN-DURAND')).toBeVisible();
  await page.getByRole('link', { name: 'Saisir les indicateurs' }).first().click();
  await expect(page.getByText('1.a - Taux de prescriptions conformes')).toBeVisible();
  await expect(page.getByText('1.b - Suivi régional des antibiotiques')).toBeVisible();
});
