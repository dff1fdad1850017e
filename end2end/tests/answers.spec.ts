import { Browser, Locator, Page } from '@playwright/test';
import { test, expect, hydrated, markDocument, documentIsMarked, expectAccessible, login, CHU, REFERENT, Account } from './fixtures';

const PERFORMANCE: Account = { email: 'performance@exemple.fr', password: 'Performance-Demo-2026!' };

/** From the home page to the indicator tree of a contract, by the links a user follows. */
async function openTree(page: Page, entity: RegExp, contract: string) {
  await page.getByRole('link', { name: entity }).click();
  await page.getByRole('link', { name: contract, exact: true }).click();
  await page.getByRole('link', { name: 'Saisir les indicateurs' }).click();
  await expect(page.getByText(/Pourcentage de remplissage/)).toBeVisible();
}

const leaf = (page: Page, code: string) => page.locator('li.tree__leaf', { hasText: `${code} - ` });
const panel = (page: Page) => page.locator('section.question-panel');

/** Opens a question's panel from the tree and waits for it (the previous panel stays until then). */
async function openQuestion(page: Page, code: string) {
  await leaf(page, code).getByRole('link').click();
  await expect(panel(page).getByRole('heading', { level: 2 })).toHaveText(new RegExp(`^${code.replace(/\./g, '\\.')} - `));
}

const saveButton = (page: Page) => panel(page).getByRole('button', { name: 'Enregistrer', exact: true });
// DSFR draws checkboxes and radios on their labels, which are what a user clicks.
const notConcerned = (page: Page) => panel(page).locator('label[for="non-concerne"]');

test('the question panel: last year beside the input, errors keep what was typed, "Non concerné"', async ({ page, consoleErrors }) => {
  await login(page, CHU);
  await openTree(page, /CHU DE GRENOBLE ALPES/, 'CAQES TEST');
  await hydrated(page);
  await openQuestion(page, '1.1.1.a');
  const question = panel(page);
  await expect(question).toContainText('Etablissement :');
  await expect(question).toContainText('Identification du numéro RPPS');
  await expect(question).toContainText('Cible :');
  await expect(question).toContainText('100 %');
  await expect(question).toContainText('92,5');
  await expect(question).toContainText('Audit réalisé sur 200 ordonnances');
  await expect(question.getByLabel('Commentaire évalué 2022')).toBeVisible();

  const achieved = question.getByRole('textbox', { name: /^Réalisé/ });
  await achieved.fill('150');
  await question.getByLabel('Commentaire évalué 2022').fill('Mesure sur le premier trimestre');
  await saveButton(page).click();
  await expect(question.getByRole('alert')).toHaveText('Un pourcentage est compris entre 0 et 100.');
  await expect(achieved).toHaveValue('150');
  await expect(question.getByLabel('Commentaire évalué 2022')).toHaveValue('Mesure sur le premier trimestre');
  await expect(leaf(page, '1.1.1.a').locator('.tree__dot--red')).toBeVisible();
  await expectAccessible(page);

  await notConcerned(page).click();
  await expect(question.getByLabel('Non concerné')).toBeChecked();
  await expect(achieved).toBeDisabled();
  await notConcerned(page).click();
  await expect(achieved).toBeEnabled();

  // Leaving the question with unsaved changes asks first: cancelling stays, accepting leaves.
  page.once('dialog', (dialog) => dialog.dismiss());
  await leaf(page, '4.1.1.a').getByRole('link').click();
  await expect(panel(page).getByRole('heading', { level: 2 })).toHaveText(/^1\.1\.1\.a - /);
  await expect(achieved).toHaveValue('150');
  page.once('dialog', (dialog) => dialog.accept());

  // A national question opens read-only.
  await openQuestion(page, '4.1.1.a');
  await expect(panel(page)).toContainText('Indicateur national');
  await expect(panel(page)).toContainText('aucune contribution de votre part');
  await expect(panel(page).locator('input:not([type=hidden]), textarea, button')).toHaveCount(0);
});

test('the referent sees a question read-only', async ({ page, consoleErrors }) => {
  await login(page, REFERENT);
  await openTree(page, /CHU DE GRENOBLE ALPES/, 'CAQES TEST');
  await openQuestion(page, '1.1.1.b');
  await expect(panel(page)).toContainText('Réalisé :');
  await expect(panel(page).locator('input:not([type=hidden]), textarea, button')).toHaveCount(0);
});

/** Fills "Réalisé" with a valid value for the question's kind; returns what to find after a reload. */
/** Presses Tab until `target` has the focus: the keyboard path a user follows. */
async function tabTo(page: Page, target: Locator, most = 12) {
  for (let press = 0; press < most; press++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

/** Answers the question in the panel by keyboard alone, from its focused heading. */
async function answerByKeyboard(page: Page, code: string): Promise<{ yes?: boolean; value?: string }> {
  const question = panel(page);
  if (await question.getByRole('radio', { name: 'Oui' }).count()) {
    await tabTo(page, question.getByRole('radio', { name: 'Oui' }));
    await page.keyboard.press('Space');
    await expect(question.getByRole('radio', { name: 'Oui' })).toBeChecked();
    return { yes: true };
  }
  const value = (await question.locator('textarea#realise').count()) ? `Réponse saisie pour ${code}` : '12,5';
  await tabTo(page, question.locator('#realise'));
  await page.keyboard.type(value);
  return { value };
}

const codeOf = (text: string) => text.match(/\d+(\.\d+)*\.[a-z]/)![0];

test('save and next, by keyboard alone: every red question of CAQES TEST in tree order, 100 % without a page load', async ({ page, consoleErrors }) => {
  test.setTimeout(180_000);
  await login(page, CHU);
  await openTree(page, /CHU DE GRENOBLE ALPES/, 'CAQES TEST');
  await hydrated(page);
  await markDocument(page);

  const codes = await page
    .locator('li.tree__leaf', { has: page.locator('.tree__dot--red') })
    .locator('a')
    .evaluateAll((links) => links.map((link) => link.textContent!));
  expect(codes.length).toBeGreaterThan(15);
  const inOrder = codes.map(codeOf);
  // The first red question from the tree, then "Enregistrer et passer à la suivante" only.
  await leaf(page, inOrder[0]).getByRole('link').focus();
  await page.keyboard.press('Enter');
  const heading = panel(page).getByRole('heading', { level: 2 });
  const expected = new Map<string, { yes?: boolean; value?: string }>();
  for (const [index, code] of inOrder.entries()) {
    await expect(heading).toHaveText(new RegExp(`^${code.replace(/\./g, '\\.')} - `));
    await expect(heading).toBeFocused();
    if (index > 0) await expect(panel(page)).toContainText('Réponse précédente enregistrée.');
    expected.set(code, await answerByKeyboard(page, code));
    await tabTo(page, panel(page).getByRole('button', { name: 'Enregistrer et passer à la suivante' }));
    await page.keyboard.press('Enter');
    await expect(leaf(page, code).locator('.tree__dot--green')).toBeVisible();
  }
  await expect(panel(page).getByRole('status')).toContainText('Il ne reste aucune question à saisir');
  await expect(page.locator('#pourcentage')).toContainText('Pourcentage de remplissage : 100 %');
  await expect(page.locator('.tree__dot--red')).toHaveCount(0);
  expect(await documentIsMarked(page), 'no page load while answering').toBe(true);

  await page.reload();
  await hydrated(page);
  await expect(page.locator('#pourcentage')).toContainText('100 %');
  for (const [code, value] of expected) {
    await openQuestion(page, code);
    if (value.yes) {
      await expect(panel(page).getByRole('radio', { name: 'Oui' })).toBeChecked();
    } else {
      await expect(panel(page).locator('#realise')).toHaveValue(value.value!);
    }
    await expect(panel(page)).toContainText('Auteur de la modification : chu-grenoble@exemple.fr');
  }
});

async function loggedInPage(browser: Browser, account: Account, javaScriptEnabled = true) {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  if (javaScriptEnabled) {
    await login(page, account);
  } else {
    await page.goto('/connexion');
    await page.getByLabel('Identifiant').fill(account.email);
    await page.getByLabel('Mot de passe').fill(account.password);
    await page.getByRole('button', { name: 'Connexion' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Gestion des Contrats' })).toBeVisible();
  }
  return page;
}

test('two people saving the same question: the second sees the current answer and chooses', async ({ browser }) => {
  const first = await loggedInPage(browser, PERFORMANCE);
  const second = await loggedInPage(browser, PERFORMANCE);
  for (const page of [first, second]) {
    await openTree(page, /CENTRE HOSPITALIER FICTIF/, 'CAQES PERFORMANCE 500');
    await hydrated(page);
    await openQuestion(page, '1.1.1.c');
  }
  await notConcerned(first).click();
  await panel(first).getByLabel('Commentaire évalué 2022').fill('Réponse de la première personne');
  await saveButton(first).click();
  await expect(panel(first).getByRole('status')).toHaveText('Réponse enregistrée.');

  await notConcerned(second).click();
  await panel(second).getByLabel('Commentaire évalué 2022').fill('Réponse de la seconde personne');
  await saveButton(second).click();
  const notice = panel(second).getByRole('alert');
  await expect(notice).toContainText('Cette réponse a été modifiée entre-temps');
  await expect(notice).toContainText('Réponse de la première personne');
  await expect(panel(second).getByLabel('Commentaire évalué 2022')).toHaveValue('Réponse de la seconde personne');

  await notice.getByRole('button', { name: 'Remplacer par ma réponse' }).click();
  await expect(panel(second).getByRole('status')).toHaveText('Réponse enregistrée.');

  // The first person, saving again over what they saw, is told in turn and takes the current answer.
  await panel(first).getByLabel('Commentaire évalué 2022').fill('Encore la première personne');
  await saveButton(first).click();
  await expect(panel(first).getByRole('alert')).toContainText('Réponse de la seconde personne');
  await panel(first).getByRole('link', { name: 'Reprendre la réponse actuelle' }).click();
  await expect(panel(first).getByLabel('Commentaire évalué 2022')).toHaveValue('Réponse de la seconde personne');
  await expect(panel(first).getByRole('alert')).toHaveCount(0);
});

test('without JavaScript: the panel is a plain form, errors come back with what was typed', async ({ browser }) => {
  const page = await loggedInPage(browser, PERFORMANCE, false);
  await openTree(page, /CENTRE HOSPITALIER FICTIF/, 'CAQES PERFORMANCE 500');
  const before = await page.locator('#pourcentage').textContent();

  // 1.1.1.a is a percentage question still to answer.
  await openQuestion(page, '1.1.1.a');
  await panel(page).locator('#realise').fill('abc');
  await saveButton(page).click();
  await expect(panel(page).getByRole('alert')).toHaveText('Veuillez saisir un pourcentage entre 0 et 100 (exemple : 12,5).');
  await expect(panel(page).locator('#realise')).toHaveValue('abc');

  await panel(page).locator('#realise').fill('33,3');
  await saveButton(page).click();
  await expect(panel(page).getByRole('status')).toHaveText('Réponse enregistrée.');
  await expect(leaf(page, '1.1.1.a').locator('.tree__dot--green')).toBeVisible();
  await expect(panel(page).locator('#realise')).toHaveValue('33,3');
  // One more question answered: "(224 questions saisies sur 445)" after "(223 ...)".
  const count = (text: string) => Number(text.match(/\((\d+) questions saisies/)![1]);
  expect(count((await page.locator('#pourcentage').textContent())!)).toBe(count(before!) + 1);
});

test('the tree and the panel work with the keyboard alone', async ({ page, consoleErrors }) => {
  await login(page, CHU);
  await openTree(page, /CHU DE GRENOBLE ALPES/, 'CAQES TEST');
  await hydrated(page);
  const link = leaf(page, '3.1.2.c').getByRole('link');
  await link.focus();
  await expect(link).toBeFocused();
  await page.keyboard.press('Enter');
  // Focus moves to the chosen question, then follows the form's order.
  await expect(panel(page).getByRole('heading', { level: 2 })).toBeFocused();
  await expect(panel(page).getByRole('heading', { level: 2 })).toHaveText(/^3\.1\.2\.c - /);
  await page.keyboard.press('Tab');
  await expect(panel(page).getByLabel('Non concerné')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(panel(page).locator('#realise')).toBeFocused();
  await page.keyboard.type('Saisie au clavier');
  await page.keyboard.press('Tab');
  await expect(panel(page).getByLabel('Commentaire évalué 2022')).toBeFocused();
  // "Documents de l'indicateur" sits above "Enregistrer": its picker, then the zip link.
  await page.keyboard.press('Tab');
  await expect(panel(page).getByLabel(/^Ajouter document/)).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(panel(page).getByRole('link', { name: 'Récupérer tous les documents' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(saveButton(page)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(panel(page).getByRole('status')).toHaveText('Réponse enregistrée.');
});

test('on a wide screen the panel stays beside the tree, in view; on a phone it comes under the tree', async ({ browser }) => {
  for (const [width, beside] of [[1280, true], [375, false]] as const) {
    const context = await browser.newContext({ viewport: { width, height: 800 } });
    const page = await context.newPage();
    await login(page, PERFORMANCE);
    await openTree(page, /CENTRE HOSPITALIER FICTIF/, 'CAQES PERFORMANCE 500');
    await hydrated(page);
    // A question far down the 500: the tree scrolls, the panel does not leave the screen.
    const last = page.locator('li.tree__leaf').last();
    await last.scrollIntoViewIfNeeded();
    await last.getByRole('link').click();
    await expect(panel(page).getByRole('heading', { level: 2 })).toBeVisible();
    const tree = (await page.locator('.tree-area').boundingBox())!;
    const shown = (await panel(page).boundingBox())!;
    if (beside) {
      expect(shown.x).toBeGreaterThanOrEqual(tree.x + tree.width);
      await page.mouse.wheel(0, -4000);
      await page.waitForTimeout(100);
      const afterScroll = (await panel(page).boundingBox())!;
      expect(afterScroll.y).toBeGreaterThanOrEqual(0);
      expect(afterScroll.y).toBeLessThan(800);
    } else {
      expect(shown.y).toBeGreaterThanOrEqual(tree.y + tree.height);
    }
    // Arriving at a question's address (a link from the contract page): its panel is in view.
    await page.goto(page.url());
    await hydrated(page);
    await expect(panel(page).getByRole('heading', { level: 2 })).toBeInViewport();
    await context.close();
  }
});

test('filter the 500 questions: words without accents, questions to answer only; filter, folding and place survive a reload', async ({ page, consoleErrors }) => {
  await login(page, PERFORMANCE);
  await openTree(page, /CENTRE HOSPITALIER FICTIF/, 'CAQES PERFORMANCE 500');
  await hydrated(page);
  const shownLeaves = page.locator('li.tree__leaf:visible');
  const count = page.locator('.tree-filter__count');
  await expect(shownLeaves).toHaveCount(500);

  // As the user types: the ten questions under sub-objective 3.1.2, whatever the accents.
  await page.getByLabel(/^Rechercher une question/).pressSequentially('sous-objectif genere 3.1.2');
  await expect(count).toHaveText('10 questions affichées sur 500');
  await expect(shownLeaves).toHaveCount(10);
  await expect(shownLeaves.first()).toContainText('3.1.2.a - ');
  // Then only those still to answer (red): the odd ones (111 to 119) but the national 117.
  await page.getByText('Questions à saisir uniquement').click();
  await expect(count).toHaveText('4 questions affichées sur 500');
  await expect(shownLeaves.locator('.tree__dot--red')).toHaveCount(4);
  await expect(page).toHaveURL(/a_saisir=1&recherche=sous-objectif(\+|%20)genere(\+|%20)3\.1\.2/);
  await expectAccessible(page);

  // A question answered by "Enregistrer et passer à la suivante" leaves the filtered tree once left.
  await shownLeaves.first().getByRole('link').click();
  await expect(panel(page).getByRole('heading', { level: 2 })).toHaveText(/^3\.1\.2\.a - /);
  await answerByKeyboard(page, '3.1.2.a');
  await panel(page).getByRole('button', { name: 'Enregistrer et passer à la suivante' }).click();
  await expect(panel(page).getByRole('heading', { level: 2 })).toHaveText(/^3\.1\.2\.c - /);
  await expect(count).toHaveText('3 questions affichées sur 500');

  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel(/^Rechercher une question/)).toHaveValue('sous-objectif genere 3.1.2');
  await expect(page.getByLabel('Questions à saisir uniquement')).toBeChecked();
  await expect(count).toHaveText('3 questions affichées sur 500');
  await expect(panel(page).getByRole('heading', { level: 2 })).toHaveText(/^3\.1\.2\.c - /);

  // Cleared: everything again. An objective folded, the page scrolled: both as they were after a reload.
  await page.getByLabel(/^Rechercher une question/).fill('');
  await page.getByText('Questions à saisir uniquement').click();
  await expect(shownLeaves).toHaveCount(500);
  await expect(count).toBeEmpty();
  const toggle = page.getByRole('button', { name: '2.1 - Objectif généré n° 2 de la démonstration de performance' });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await leaf(page, '7.1.4.a').scrollIntoViewIfNeeded();
  await page.mouse.wheel(0, 300);
  await page.waitForTimeout(200);
  const scrolled = await page.evaluate(() => window.scrollY);
  expect(scrolled).toBeGreaterThan(1000);
  await page.reload();
  await hydrated(page);
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(leaf(page, '2.1.1.a')).toBeHidden();
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(scrolled - 50);
  expect(await page.evaluate(() => window.scrollY)).toBeLessThan(scrolled + 50);
});

test('a save that cannot reach the server says so, keeps what was typed, and is saved once sent again', async ({ page }) => {
  // The browser logs the request that failed: only what the page itself throws counts here.
  const thrown: string[] = [];
  page.on('pageerror', (error) => thrown.push(error.message));
  await login(page, CHU);
  await openTree(page, /CHU DE GRENOBLE ALPES/, 'CAQES TEST');
  await hydrated(page);
  await openQuestion(page, '2.1.1.a');
  await notConcerned(page).click();
  await panel(page).getByLabel('Commentaire évalué 2022').fill('Saisi pendant une coupure du réseau');
  // The connection drops: the post never reaches the server.
  await page.route('**/api/enregistrer_reponse', (route) => route.abort('internetdisconnected'));
  await saveButton(page).click();
  await expect(panel(page).getByRole('status')).toHaveText("Le serveur n'a pas pu être joint : la réponse n'a pas été enregistrée. Réessayez.");
  await expect(panel(page).getByLabel('Non concerné')).toBeChecked();
  await expect(panel(page).getByLabel('Commentaire évalué 2022')).toHaveValue('Saisi pendant une coupure du réseau');
  await expect(saveButton(page)).toBeEnabled();
  // Leaving it would lose it: the portal asks first.
  let asked = false;
  page.once('dialog', (dialog) => { asked = true; return dialog.dismiss(); });
  await leaf(page, '1.1.1.a').getByRole('link').click();
  expect(asked).toBe(true);

  await page.unroute('**/api/enregistrer_reponse');
  await saveButton(page).click();
  await expect(panel(page).getByRole('status')).toHaveText('Réponse enregistrée.');
  await expect(leaf(page, '2.1.1.a').locator('.tree__dot--green')).toBeVisible();
  await expect(panel(page).getByLabel('Commentaire évalué 2022')).toHaveValue('Saisi pendant une coupure du réseau');
  expect(thrown).toEqual([]);
});
