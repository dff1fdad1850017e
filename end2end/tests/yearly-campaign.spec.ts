// Runs last (alphabetical order): it opens CAQES TEST's 2024 campaign, after the other files have
// answered and closed its current year.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Page } from '@playwright/test';
import { test, expect, expectAccessible, hydrated, login, mailMatching, Account, CHU, REFERENT } from './fixtures';

const ADMIN_ARA: Account = { email: 'admin-ara@ars.exemple.fr', password: 'Admin-Ara-Demo-2026!' };
const CHU_FINESS = '380780080';

function written(name: string, lines: string[]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'campaign-')), name);
  fs.writeFileSync(file, lines.join('\n'));
  return file;
}

/** `AAAA-MM-JJ`, `days` from today. */
function day(days: number): string {
  const date = new Date(Date.now() + days * 86_400_000);
  return date.toISOString().slice(0, 10);
}

const panel = (page: Page) => page.locator('section.question-panel');
const leaf = (page: Page, code: string) => page.locator('li.tree__leaf', { hasText: `${code} - ` });

async function openQuestion(page: Page, code: string) {
  await leaf(page, code).getByRole('link').click();
  await expect(panel(page).getByRole('heading', { level: 2 })).toHaveText(new RegExp(`^${code.replace(/\./g, '\\.')} - `));
}

async function openCaqesTest(page: Page) {
  await page.goto('/');
  await page.getByRole('link', { name: /CHU DE GRENOBLE ALPES/ }).click();
  await page.getByRole('link', { name: 'CAQES TEST', exact: true }).click();
}

/** Answers the open question's "Réalisé" (yes or no) and saves. */
async function answer(page: Page, choice: 'Oui' | 'Non') {
  await panel(page).locator(`label[for="realise-${choice.toLowerCase()}"]`).click();
  await panel(page).getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await expect(panel(page).getByRole('status')).toHaveText('Réponse enregistrée.');
}

test('a yearly campaign: opened by the agency, answered with last year beside, closed, reopened, closed again', async ({ page, consoleErrors }) => {
  test.setTimeout(240_000);

  // This year's answer to 2.1.1.a, as the other files left it (closed), or "Non concerné" when
  // this file runs alone.
  await login(page, CHU);
  await openCaqesTest(page);
  await page.getByRole('link', { name: 'Saisir les indicateurs' }).click();
  await hydrated(page);
  await openQuestion(page, '2.1.1.a');
  let lastYear = 'Non concerné';
  if (await panel(page).getByRole('button', { name: 'Enregistrer', exact: true }).count()) {
    await panel(page).locator('label[for="non-concerne"]').click();
    await panel(page).getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await expect(panel(page).getByRole('status')).toHaveText('Réponse enregistrée.');
  } else {
    const achieved = panel(page).locator('dl.fields > div', { has: page.locator('dt', { hasText: /^Réalisé :$/ }) });
    lastYear = (await achieved.locator('dd').innerText()).trim();
  }

  // The agency imports the year's referential and opens the campaign for CAQES TEST.
  await page.context().clearCookies();
  await login(page, ADMIN_ARA);
  await page.getByRole('link', { name: 'Administration' }).click();
  await page.getByRole('link', { name: "Référentiels d'indicateurs" }).click();
  await page.getByLabel('Nom du référentiel').fill('CAQES 2024');
  await page.getByLabel('Fichier du référentiel').setInputFiles(
    written('referentiel-2024.csv', [
      'Code;Code parent;Libellé;Type de nœud;Type de valeur;Cible;National',
      '2.1;;Classes médicamenteuses les plus significatives;objectif;;;',
      '2.1.1;2.1;Première classe médicamenteuse;objectif;;;',
      "2.1.1.a;2.1.1;Mise en place d'un groupe de travail et élaboration d'un plan d'actions;question;Oui/Non;Oui;non",
      '2.1.1.b;2.1.1;Actions mises en oeuvre;question;Oui/Non;Oui;non',
      '4.1;;Indicateurs nationaux;objectif;;;',
      "4.1.1.a;4.1;Taux d'évolution des dépenses d'IPP;question;pourcentage;;oui",
      '',
    ]),
  );
  await page.getByRole('button', { name: "Prévisualiser l'import" }).click();
  await page.getByRole('button', { name: "Confirmer l'import" }).click();
  await expect(page.getByText('Référentiel « CAQES 2024 » importé : version 1')).toBeVisible();

  await page.getByRole('link', { name: 'Campagnes', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Campagnes' })).toBeVisible();
  await page.getByLabel('Année de la campagne').fill('2024');
  await page.getByRole('combobox', { name: 'Type de contrat' }).selectOption('CAQES');
  await page.getByRole('combobox', { name: 'Référentiel et version' }).selectOption({ label: 'CAQES 2024 (version 1)' });
  await page.getByLabel('Ouverture de la saisie').fill(day(-1));
  await page.getByLabel(/^Clôture de la saisie/).fill(day(60));
  await page.getByRole('textbox', { name: /^Entités juridiques/ }).fill(CHU_FINESS);
  await page.getByRole('button', { name: 'Prévisualiser la campagne' }).click();
  const preview = page.locator('section[aria-labelledby="apercu"]');
  await expect(preview.getByRole('heading', { name: 'Aperçu de la campagne CAQES 2024' })).toBeVisible();
  await expect(preview.getByRole('row', { name: /CAQES TEST/ })).toContainText('2022');
  await expectAccessible(page);
  await preview.getByRole('button', { name: 'Ouvrir la campagne pour 1 contrat(s)' }).click();
  await expect(page.getByText('Campagne CAQES 2024 ouverte pour 1 contrat(s).')).toBeVisible();
  await expect(page.getByRole('row', { name: /CAQES 2024/ })).toContainText('Saisie ouverte du');

  // The establishment sees the new year, last year's answer beside an empty input.
  await page.context().clearCookies();
  await login(page, CHU);
  await openCaqesTest(page);
  await expect(page.locator('.evaluation-year')).toHaveText('Évaluation 2024');
  await expect(page.locator('.entry-window')).toContainText('Saisie ouverte du');
  await expect(page.getByRole('heading', { name: 'Évaluations précédentes' })).toBeVisible();
  await page.getByRole('link', { name: 'Saisir les indicateurs' }).click();
  await hydrated(page);
  await openQuestion(page, '2.1.1.a');
  await expect(panel(page).locator('.previous-value').first()).toContainText(lastYear);
  await expect(panel(page).getByLabel('Commentaire évalué 2024')).toHaveValue('');
  await answer(page, 'Oui');
  await openQuestion(page, '2.1.1.b');
  await answer(page, 'Non');

  // The director is confirmed again for this year, then the year is closed.
  await openCaqesTest(page);
  await page.getByRole('link', { name: 'Accéder à la liste des contacts administratifs' }).click();
  await page.getByRole('row', { name: /DIRECTEUR/ }).getByRole('link', { name: /Modifier/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Contact DIRECTEUR' })).toBeVisible();
  await page.getByLabel('Nom', { exact: true }).fill('MARTIN');
  await page.getByLabel('Prénom').fill('Claire');
  await page.getByLabel(/^Email/).fill('claire.martin@chu-grenoble.fr');
  await page.getByLabel(/^Téléphone/).fill('+33 4 76 76 75 75');
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await expect(page.getByText('Contact « DIRECTEUR » enregistré.')).toBeVisible();
  await page.getByRole('link', { name: 'Retour vers le contrat' }).click();
  await page.getByRole('link', { name: 'Clore la saisie' }).click();
  await page.getByRole('button', { name: 'Confirmer la clôture' }).click();
  await expect(page.locator('.phase-banner')).toHaveText(/Consultation/);

  // The referent reopens it, with a reason.
  await page.context().clearCookies();
  await login(page, REFERENT);
  await openCaqesTest(page);
  await page.getByLabel(/^Raison de la réouverture/).fill('2.1.1.b : des actions ont bien été mises en oeuvre.');
  await page.getByRole('button', { name: 'Rouvrir la saisie' }).click();
  await expect(page.getByText("La saisie est rouverte : l'établissement en est informé")).toBeVisible();
  await expect(page.locator('.phase-banner')).toHaveText(/Auto-Evaluation/);
  const mail = await mailMatching(
    (message) => message.includes(`To: ${CHU.email}`) && message.includes('saisie rouverte'),
    'the reopening mail to the establishment',
  );
  expect(mail).toContain('2.1.1.b : des actions ont bien été mises en oeuvre.');

  // The user fixes the answer and closes again: both receipts are listed.
  await page.context().clearCookies();
  await login(page, CHU);
  await openCaqesTest(page);
  await page.getByRole('link', { name: 'Saisir les indicateurs' }).click();
  await hydrated(page);
  await openQuestion(page, '2.1.1.b');
  await answer(page, 'Oui');
  await openCaqesTest(page);
  await page.getByRole('link', { name: 'Clore la saisie' }).click();
  await page.getByRole('button', { name: 'Confirmer la clôture' }).click();
  await expect(page.locator('.phase-banner')).toHaveText(/Consultation/);
  const history = page.locator('section[aria-labelledby="closing-history"]');
  await expect(history).toContainText('Rouverte le');
  await expect(history).toContainText('des actions ont bien été mises en oeuvre');
  await expect(history.getByRole('link', { name: /Accusé de clôture du/ })).toHaveCount(2);
  await expectAccessible(page);
});
