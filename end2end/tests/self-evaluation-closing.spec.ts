// Runs after the other files (alphabetical order): it closes CAQES TEST, which then stays read-only.
import { test, expect, hydrated, expectAccessible, login, mailMatching, CHU } from './fixtures';

test('close CAQES TEST: the missing-items panel, the DIRECTEUR contact, then Consultation everywhere', async ({ page, consoleErrors }) => {
  test.setTimeout(180_000);
  await login(page, CHU);
  await page.getByRole('link', { name: /CHU DE GRENOBLE ALPES/ }).click();
  await page.getByRole('link', { name: 'CAQES TEST', exact: true }).click();
  await hydrated(page);

  // Too early: "Clore la saisie" lists what is missing, each a link straight to it.
  await page.getByRole('link', { name: 'Clore la saisie' }).click();
  const missing = page.locator('section.missing-items');
  await expect(missing).toContainText('Reste à saisir avant la clôture');
  await expect(missing).toContainText('contact obligatoire à mettre à jour');
  await expect(page.getByRole('button', { name: 'Confirmer la clôture' })).toHaveCount(0);
  await expectAccessible(page);

  // Any question still red (when this file runs alone) is answered "Non concerné" from its link.
  for (let left = await missing.locator('a[href*="question="]').count(); left > 0; left--) {
    await missing.locator('a[href*="question="]').first().click();
    const panel = page.locator('section.question-panel');
    await panel.locator('label[for="non-concerne"]').click();
    await panel.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await expect(panel.getByRole('status')).toHaveText('Réponse enregistrée.');
    await page.getByRole('link', { name: 'CAQES TEST', exact: true }).click();
    await page.getByRole('link', { name: 'Clore la saisie' }).click();
  }

  await missing.getByRole('link', { name: 'DIRECTEUR' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Contact DIRECTEUR' })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Nom', { exact: true }).fill('MARTIN');
  await page.getByLabel('Prénom').fill('Claire');
  await page.getByLabel(/^Email/).fill('claire.martin@chu-grenoble.fr');
  await page.getByLabel(/^Téléphone/).fill('12');
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('vérifiez le champ (Téléphone)');
  await expect(page.locator('#phone-erreur')).toContainText("Le numéro de téléphone n'est pas valide");
  await expect(page.getByLabel('Prénom')).toHaveValue('Claire');
  await expectAccessible(page);
  await page.getByLabel(/^Téléphone/).fill('+33 4 76 76 75 75');
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Contacts administratifs' })).toBeVisible();
  await expect(page.getByText('Contact « DIRECTEUR » enregistré.')).toBeVisible();
  const director = page.getByRole('row', { name: /DIRECTEUR/ });
  await expect(director).toContainText('04 76 76 75 75');
  await expect(director).toContainText('Faite');

  await page.getByRole('link', { name: 'Retour vers le contrat' }).click();
  await expect(page.getByText('Tout est saisi : la saisie peut être close.')).toBeVisible();
  await page.getByRole('link', { name: 'Clore la saisie' }).click();
  await expect(page.getByText('Cette action est définitive')).toBeVisible();
  await page.getByRole('button', { name: 'Confirmer la clôture' }).click();

  await expect(page.locator('.phase-banner')).toHaveText(/Consultation/);
  await expect(page.getByText('La saisie est close. Un accusé de clôture a été envoyé par courriel.')).toBeVisible();
  await expect(page.getByText('Clore la saisie')).toHaveCount(0);
  // The tree's filter (search, "Questions à saisir uniquement") changes nothing stored.
  const editingControls = page.locator(
    'main :is(input:not([type=hidden]), textarea, select, button[type=submit]):not(.tree-filter *)',
  );
  await expect(editingControls).toHaveCount(0);

  await page.getByRole('link', { name: 'Accéder à la liste des contacts administratifs' }).click();
  await expect(director).toContainText('MARTIN');
  await expect(page.getByRole('link', { name: /Modifier/ })).toHaveCount(0);
  await page.getByRole('link', { name: 'Retour vers le contrat' }).click();
  await page.getByRole('link', { name: 'Saisir les indicateurs' }).click();
  await page.locator('li.tree__leaf a').first().click();
  await expect(page.locator('section.question-panel')).toContainText("n'est pas modifiable");
  await expect(editingControls).toHaveCount(0);

  await page.getByRole('link', { name: 'CAQES TEST', exact: true }).click();
  await page.getByRole('link', { name: 'Accusé de clôture', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Accusé de clôture' })).toBeVisible();
  await expect(page.locator('main dl.fields')).toContainText(CHU.email);
  await expect(page.locator('main dl.fields')).toContainText('100 %');
  const receipt = await mailMatching(
    (message) => message.includes(`To: ${CHU.email}`) && message.includes('saisie close'),
    'the closure receipt in the outbox',
  );
  expect(receipt).toContain('Pourcentage de remplissage : 100 %');
});
