import { test, expect, hydrated, expectAccessible, login, mailMatching, ACODEGE, CHU, REFERENT } from './fixtures';

/** The code of the newest message sent to `email`, as a user would read it in the mail. */
async function lastCodeFor(email: string): Promise<string> {
  const message = await mailMatching((message) => message.includes(`To: ${email}`), `a message to ${email}`);
  const code = message.match(/^\s*(\d{8})\s*$/m)?.[1];
  expect(code, `a code mailed to ${email}`).toBeTruthy();
  return code!;
}

test("ACODEGE's first login: renew the password with the emailed code, then the contracts", async ({ page, consoleErrors }) => {
  await page.goto('/connexion');
  await expectAccessible(page);
  await page.getByLabel('Identifiant').fill(ACODEGE.email);
  await page.getByLabel('Mot de passe').fill(ACODEGE.password);
  await page.getByRole('button', { name: 'Connexion' }).click();

  // The initial password is right but must be renewed before anything else.
  await expect(page.getByRole('heading', { level: 1, name: 'Renouveler le mot de passe' })).toBeVisible();
  await expect(page.getByText('Lors de votre première connexion, vous devez obligatoirement renouveler')).toBeVisible();
  await hydrated(page);
  await expect(page.locator('#email-envoi')).toHaveValue(ACODEGE.email);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Envoyer le code de vérification' }).click();
  await expect(page.getByText('un code de vérification vient d\'y être envoyé')).toBeVisible();

  await page.getByRole('textbox', { name: /^Code de vérification/ }).fill(await lastCodeFor(ACODEGE.email));
  await page.getByRole('button', { name: 'Vérifier le code' }).click();
  await expect(page.getByText('Code vérifié.')).toBeVisible();
  await page.getByRole('link', { name: 'Continuer' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Nouveau mot de passe' })).toBeVisible();
  await hydrated(page);
  await expect(page.getByText(ACODEGE.email)).toBeVisible();
  const rule = (label: string) => page.locator('.password-rules .fr-message', { hasText: label });
  await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('acodege');
  await expect(rule('Une lettre minuscule')).toHaveClass(/fr-message--valid/);
  await expect(rule('Une lettre majuscule')).not.toHaveClass(/fr-message--valid/);
  await expect(rule('Entre 12 et 64 caractères')).not.toHaveClass(/fr-message--valid/);
  await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('Acodege-Nouveau-2026!');
  for (const label of ['Entre 12 et 64 caractères', 'Une lettre majuscule', 'Un chiffre', 'Un caractère spécial']) {
    await expect(rule(label)).toHaveClass(/fr-message--valid/);
  }
  await expectAccessible(page);
  await page.getByLabel('Confirmer le nouveau mot de passe').fill('Acodege-Nouveau-2026!');
  await page.getByRole('button', { name: 'Continuer' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Gestion des Contrats' })).toBeVisible();
  await expect(page.getByRole('link', { name: '210984078 - ACODEGE' })).toBeVisible();
  await expect(page.getByRole('link', { name: /CHU DE GRENOBLE/ })).toHaveCount(0);
});

// The browser logs the refused request (401) in its console: expected here, so no console check.
test('a wrong password gets one generic French message', async ({ page }) => {
  await page.goto('/connexion');
  await page.getByLabel('Identifiant').fill(CHU.email);
  await page.getByLabel('Mot de passe').fill('Mauvais-Mot-2026!');
  await page.getByRole('button', { name: 'Connexion' }).click();
  await expect(page.getByRole('alert')).toContainText('Identifiant ou mot de passe incorrect');
  await expect(page.getByLabel('Identifiant')).toHaveValue(CHU.email);
});

test('a page asked for before login opens after it', async ({ page, consoleErrors }) => {
  await page.goto('/mon-compte');
  await expect(page).toHaveURL(/\/connexion\?retour=\/mon-compte$/);
  await page.getByLabel('Identifiant').fill(CHU.email);
  await page.getByLabel('Mot de passe').fill(CHU.password);
  await page.getByRole('button', { name: 'Connexion' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Mon compte' })).toBeVisible();
  await expect(page.getByText('380780080 - CHU DE GRENOBLE ALPES')).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Rafraîchir la session' }).click();
  await expect(page.getByText('Session prolongée')).toBeVisible();
  await page.getByRole('button', { name: 'Déconnexion' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Connexion avec votre compte professionnel' })).toBeVisible();
  await page.goto('/');
  await expect(page).toHaveURL(/\/connexion/);
});

test('the referent sees both entities and no editing control of their data', async ({ page, consoleErrors }) => {
  await login(page, REFERENT);
  await expect(page.getByRole('link', { name: '380780080 - CHU DE GRENOBLE ALPES' })).toBeVisible();
  await expect(page.getByRole('link', { name: '210984078 - ACODEGE' })).toBeVisible();
  // The tree's filter (search, "Questions à saisir uniquement") changes nothing stored.
  const editingControls = page.locator(
    'main :is(input:not([type=hidden]), textarea, select, button[type=submit]):not(.tree-filter *)',
  );
  await expect(editingControls).toHaveCount(0);

  await page.getByRole('link', { name: '380780080 - CHU DE GRENOBLE ALPES' }).click();
  await page.getByRole('link', { name: 'CAQES TEST', exact: true }).click();
  await expect(page.locator('.phase-banner')).toBeVisible();
  // A referent steers the campaign (it may extend the window, write the agency's notes) but changes
  // none of the establishment's data.
  await expect(page.getByRole('button', { name: 'Prolonger la saisie' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Enregistrer la note' })).toBeVisible();
  const establishmentControls = page.locator(
    'main :is(input:not([type=hidden]), textarea, select, button[type=submit]):not(.extension-form *, .agency-note-form *)',
  );
  await expect(establishmentControls).toHaveCount(0);
  await expect(page.getByText('Clore la saisie')).toHaveCount(0);
  await page.getByRole('link', { name: 'Saisir les indicateurs' }).click();
  await expect(page.getByText(/Pourcentage de remplissage/)).toBeVisible();
  await expect(editingControls).toHaveCount(0);
});
