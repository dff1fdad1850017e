// What a user on a slow link types or clicks before the WASM arrives is never lost: each island
// starts from what its fields hold when it is hydrated, and a form clicked before then is posted
// as a plain form. Runs before self-evaluation-closing (alphabetical order): CAQES TEST is still open.
import { Page } from '@playwright/test';
import { test, expect, hydrated, login, mailMatching, Account, CHU, REFERENT } from './fixtures';

const PERFORMANCE: Account = { email: 'performance@exemple.fr', password: 'Performance-Demo-2026!' };

/** The WASM arrives 3 s after the page, as on a slow link; the page itself is usable at once. */
async function delayWasm(page: Page) {
  await page.route('**/*.wasm', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await route.continue();
  });
}

/** Opens `path` with the WASM delayed, and checks the page is not interactive yet. */
async function openBeforeHydration(page: Page, path: string) {
  await delayWasm(page);
  await page.goto(path, { waitUntil: 'domcontentloaded' });
  await expect(page.locator('html')).not.toHaveAttribute('data-hydrated', 'true');
}

async function codeFor(email: string): Promise<string> {
  const message = await mailMatching((message) => message.includes(`To: ${email}`) && /^\s*\d{8}\s*$/m.test(message), `a code for ${email}`);
  return message.match(/^\s*(\d{8})\s*$/m)![1];
}

test('renewal: the address typed before hydration is kept and the code is sent', async ({ page, consoleErrors }) => {
  await openBeforeHydration(page, '/mot-de-passe/renouveler');
  await page.locator('#email-envoi').fill(REFERENT.email);
  await hydrated(page);
  await expect(page.locator('#email-envoi')).toHaveValue(REFERENT.email);
  // The same address is already in the second step's field.
  await expect(page.locator('#email-code')).toHaveValue(REFERENT.email);
  await page.getByRole('button', { name: 'Envoyer le code de vérification' }).click();
  await expect(page.getByText("un code de vérification vient d'y être envoyé")).toBeVisible();
  await codeFor(REFERENT.email);
});

test('renewal: "Envoyer le code de vérification" clicked before hydration posts the form', async ({ page, consoleErrors }) => {
  await openBeforeHydration(page, '/mot-de-passe/renouveler');
  await page.locator('#email-envoi').fill('personne.inconnue@exemple.fr');
  await page.getByRole('button', { name: 'Envoyer le code de vérification' }).click();
  await expect(page.getByText("un code de vérification vient d'y être envoyé")).toBeVisible();
  await expect(page.locator('#email-code')).toHaveValue('personne.inconnue@exemple.fr');
  await mailMatching((message) => message.includes('To: personne.inconnue@exemple.fr'), 'the notice to the unknown address');
});

test('new password: what was typed before hydration is kept, checked, and saved', async ({ page, consoleErrors }) => {
  await page.goto('/mot-de-passe/renouveler');
  await hydrated(page);
  await page.locator('#email-envoi').fill(REFERENT.email);
  await page.getByRole('button', { name: 'Envoyer le code de vérification' }).click();
  await expect(page.getByText("un code de vérification vient d'y être envoyé")).toBeVisible();
  const code = await codeFor(REFERENT.email);
  await page.getByRole('textbox', { name: /^Code de vérification/ }).fill(code);
  await page.getByRole('button', { name: 'Vérifier le code' }).click();
  await expect(page.getByText('Code vérifié.')).toBeVisible();

  await openBeforeHydration(page, '/mot-de-passe/nouveau');
  // The referent keeps its password: the demo accounts serve the other tests.
  await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(REFERENT.password);
  await page.getByLabel('Confirmer le nouveau mot de passe').fill(REFERENT.password);
  await hydrated(page);
  await expect(page.getByLabel('Nouveau mot de passe', { exact: true })).toHaveValue(REFERENT.password);
  await expect(page.getByLabel('Confirmer le nouveau mot de passe')).toHaveValue(REFERENT.password);
  // The live checklist follows what was typed before it was interactive.
  await expect(page.locator('.password-rules .fr-message--info')).toHaveCount(0);
  await expect(page.getByText('Les deux mots de passe saisis sont différents.')).toHaveCount(0);
  await page.getByRole('button', { name: 'Continuer' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Gestion des Contrats' })).toBeVisible();
  await mailMatching(
    (message) => message.includes(`To: ${REFERENT.email}`) && message.includes('Toutes les sessions ouvertes'),
    'the password-changed notice',
  );
});

test('answer panel: the comment typed before hydration is kept and saved', async ({ page, consoleErrors }) => {
  await login(page, PERFORMANCE);
  await page.getByRole('link', { name: /CENTRE HOSPITALIER FICTIF/ }).click();
  await page.getByRole('link', { name: 'CAQES PERFORMANCE 500', exact: true }).click();
  await page.getByRole('link', { name: 'Saisir les indicateurs' }).click();
  const href = await page.locator('li.tree__leaf:has(.tree__dot--green) a').first().getAttribute('href');
  const tree = new URL(page.url());

  await openBeforeHydration(page, `${tree.pathname}${href}`);
  const comment = page.locator('#commentaire');
  await comment.fill('Saisi avant le chargement complet de la page');
  await hydrated(page);
  await expect(comment).toHaveValue('Saisi avant le chargement complet de la page');
  await page.locator('section.question-panel').getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await expect(page.locator('section.question-panel').getByRole('status')).toHaveText('Réponse enregistrée.');
  await page.unrouteAll();
  await page.reload();
  await expect(page.locator('#commentaire')).toHaveValue('Saisi avant le chargement complet de la page');
});

test('contact form: what was typed before hydration is kept and saved', async ({ page, consoleErrors }) => {
  await login(page, CHU);
  await page.getByRole('link', { name: /CHU DE GRENOBLE ALPES/ }).click();
  await page.getByRole('link', { name: 'CAQES TEST', exact: true }).click();
  await page.getByRole('link', { name: 'Accéder à la liste des contacts administratifs' }).click();
  // Not the mandatory DIRECTEUR: self-evaluation-closing expects it still to update.
  const edit = await page.getByRole('row', { name: /REF\. CAQES/ }).getByRole('link', { name: /Modifier/ }).getAttribute('href');

  await openBeforeHydration(page, edit!);
  await page.getByLabel('Nom', { exact: true }).fill('DURAND');
  await page.getByLabel('Prénom').fill('Lucie');
  await page.getByLabel(/^Email/).fill('lucie.durand@chu-grenoble.fr');
  await page.getByLabel(/^Téléphone/).fill('04 76 76 75 76');
  await hydrated(page);
  await expect(page.getByLabel('Nom', { exact: true })).toHaveValue('DURAND');
  await expect(page.getByLabel('Prénom')).toHaveValue('Lucie');
  await expect(page.getByLabel(/^Email/)).toHaveValue('lucie.durand@chu-grenoble.fr');
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await expect(page.getByText('Contact « REF. CAQES » enregistré.')).toBeVisible();
  await expect(page.getByRole('row', { name: /REF\. CAQES/ })).toContainText('DURAND');
});

test('documents: a file chosen before hydration is sent once the page is interactive', async ({ page, consoleErrors }) => {
  await login(page, CHU);
  await page.getByRole('link', { name: /CHU DE GRENOBLE ALPES/ }).click();
  await page.getByRole('link', { name: 'CAQES TEST', exact: true }).click();
  await page.getByRole('link', { name: 'Accéder à la liste des établissements du contrat' }).click();
  await page.locator('tbody tr').first().getByRole('link').click();
  const establishment = new URL(page.url()).pathname;

  await openBeforeHydration(page, establishment);
  const block = page.locator('section.documents', { hasText: "Documents de l'établissement" });
  await block.getByLabel(/^Ajouter document/).setInputFiles({
    name: 'Choisi avant le chargement.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.7\n%%EOF\n'),
  });
  await hydrated(page);
  await expect(block.locator('.documents__sending li', { hasText: 'Choisi avant le chargement.pdf' })).toContainText('Document ajouté.');
  await expect(block.getByRole('row', { name: /Choisi avant le chargement\.pdf/ })).toContainText(CHU.email);
});
