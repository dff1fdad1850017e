import { test, expect, hydrated, markDocument, documentIsMarked, expectAccessible, login, CHU, REFERENT } from './fixtures';

test('from the home page down to the indicator tree of CAQES TEST', async ({ page, consoleErrors }) => {
  await login(page, REFERENT);
  await expect(page.getByRole('heading', { level: 1, name: 'Gestion des Contrats' })).toBeVisible();

  await page.getByRole('link', { name: '380780080 - CHU DE GRENOBLE ALPES' }).click();
  await expect(page.getByText('Finess Juridique :')).toBeVisible();
  await expect(page.getByText('Page 1 sur 1')).toBeVisible();
  const row = page.getByRole('row', { name: /CAQES TEST/ });
  await expect(row).toContainText('Signé');
  await expect(row).toContainText('Auto-Evaluation');

  await page.getByRole('link', { name: 'CAQES TEST', exact: true }).click();
  await expect(page.locator('.phase-banner')).toHaveText(/Auto-Evaluation/);
  await expect(page.getByText('Mourad ABED')).toBeVisible();
  await expect(page.getByText('PUBLIC')).toBeVisible();

  await page.getByRole('link', { name: 'Saisir les indicateurs' }).click();
  // answers.spec.ts fills CAQES TEST earlier in the run: the figure depends on the order of files.
  await expect(page.getByText(/Pourcentage de remplissage : \d+ %/)).toBeVisible();
  await expect(page.getByText('1.1.1.a - Taux d\'ordonnances de sortie')).toBeVisible();
  await expect(page.getByText('2.1.1.c - Suivi des actions mises en oeuvre')).toBeVisible();
  expect(page.url()).toMatch(/\/contrats\/\d+\/indicateurs$/);
});

test("a hospital's users reach each establishment's documents from its legal entity", async ({ page, consoleErrors }) => {
  await login(page, CHU);
  await page.getByRole('link', { name: '380780080 - CHU DE GRENOBLE ALPES' }).click();
  await expect(page.getByRole('heading', { name: 'Liste des établissements' })).toBeVisible();
  await page.getByRole('link', { name: '380000174 - CHU GRENOBLE ALPES - SITE NORD' }).click();
  await expect(page.getByRole('heading', { name: "Documents de l'établissement" })).toBeVisible();
  await expect(page.getByLabel(/^Ajouter document/)).toBeAttached();
});

test('the tree folds and unfolds, with the mouse and with the keyboard', async ({ page, consoleErrors }) => {
  await login(page, REFERENT);
  await page.getByRole('link', { name: '380780080 - CHU DE GRENOBLE ALPES' }).click();
  await page.getByRole('link', { name: 'CAQES TEST', exact: true }).click();
  await page.getByRole('link', { name: 'Saisir les indicateurs' }).click();
  await hydrated(page);
  await markDocument(page);

  const question = page.getByText('2.1.1.a - Mise en place d\'un groupe de travail');
  const objective = page.getByRole('button', { name: /^2\.1 - Identification des 3 classes/ });
  await expect(question).toBeVisible();
  await expect(objective).toHaveAttribute('aria-expanded', 'true');

  await objective.click();
  await expect(question).toBeHidden();
  await expect(objective).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByText('1.1.1.a - Taux d\'ordonnances de sortie')).toBeVisible();

  // Keyboard only: focus the toggle and press Enter, then Space.
  await objective.focus();
  await page.keyboard.press('Enter');
  await expect(question).toBeVisible();
  await page.keyboard.press('Space');
  await expect(question).toBeHidden();
  await page.keyboard.press('Space');
  await expect(question).toBeVisible();

  // "Replier le contrat" folds the whole contract, and the same button unfolds it.
  await page.getByRole('button', { name: 'Replier le contrat' }).click();
  await expect(page.getByText('1.1.1.a - Taux d\'ordonnances de sortie')).toBeHidden();
  await expect(page.getByRole('button', { name: /^EJ - 380780080/ })).toBeHidden();
  await page.getByRole('button', { name: 'Déplier le contrat' }).click();
  await expect(page.getByText('1.1.1.a - Taux d\'ordonnances de sortie')).toBeVisible();
  expect(await documentIsMarked(page), 'folded and unfolded in the page, without a reload').toBe(true);
});

test('question dots are explained to screen readers, national questions are grey', async ({ page, consoleErrors }) => {
  await login(page, REFERENT);
  await page.getByRole('link', { name: '380780080 - CHU DE GRENOBLE ALPES' }).click();
  await page.getByRole('link', { name: 'CAQES TEST', exact: true }).click();
  await page.getByRole('link', { name: 'Saisir les indicateurs' }).click();
  const grey = page.locator('li.tree__leaf', { hasText: '4.1.1.a' });
  await expect(grey).toContainText('non modifiable');
  await expect(grey.locator('.tree__dot--grey')).toBeVisible();

  // ACODEGE's CPOM is left unanswered by every test.
  await page.goto('/');
  await page.getByRole('link', { name: '210984078 - ACODEGE' }).click();
  await page.getByRole('link', { name: /^CPOM_ACODEGE_2022/ }).first().click();
  await page.getByRole('link', { name: 'Saisir les indicateurs' }).click();
  const red = page.locator('li.tree__leaf', { hasText: '1.1.1.a' });
  await expect(red).toContainText('à saisir');
  await expect(red.locator('.tree__dot--red')).toBeVisible();
});

test('columns of the legal entity table sort', async ({ page, consoleErrors }) => {
  await login(page, REFERENT);
  const firstRow = page.locator('tbody tr').first();
  await expect(firstRow).toContainText('210984078 - ACODEGE');

  await page.getByRole('link', { name: /Téléphone/ }).click();
  await expect(page.getByRole('columnheader', { name: /Téléphone/ })).toHaveAttribute('aria-sort', 'ascending');
  await expect(firstRow).toContainText('0390288028');
  await page.getByRole('link', { name: /Téléphone/ }).click();
  await expect(page.getByRole('columnheader', { name: /Téléphone/ })).toHaveAttribute('aria-sort', 'descending');
  await expect(firstRow).toContainText('0476767575');
});

test('ACODEGE shows its CPOM and its seven establishments', async ({ page, consoleErrors }) => {
  await login(page, REFERENT);
  await page.getByRole('link', { name: '210984078 - ACODEGE' }).click();
  await expect(page.getByRole('heading', { name: 'Liste de mes CPOM' })).toBeVisible();
  const cpom = page.getByRole('table', { name: 'Liste de mes CPOM' }).getByRole('row', { name: /CPOM_ACODEGE_2022 - 2023/ });
  await expect(cpom).toContainText('15/07/2021');
  await expect(cpom).toContainText('3 Diagnostic');
  await expect(cpom).toContainText('Conjointe');
  await expect(cpom).toContainText('01/01/2022');
  const establishments = page.getByRole('table', { name: "Établissements de l'entité juridique" }).locator('tbody tr');
  await expect(establishments).toHaveCount(7);
  await expect(establishments.last()).toContainText('210981106 - ESAT ACODEGE MARSANNAY');
});

test('every page passes an accessibility scan', async ({ page, consoleErrors }) => {
  await login(page, REFERENT);
  await hydrated(page);
  await expectAccessible(page);

  await page.getByRole('link', { name: '380780080 - CHU DE GRENOBLE ALPES' }).click();
  await expect(page.getByText('Liste des contrats').first()).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('link', { name: 'CAQES TEST', exact: true }).click();
  await expect(page.locator('.phase-banner')).toBeVisible();
  await expectAccessible(page);
  const contract = page.url();

  await page.getByRole('link', { name: 'Saisir les indicateurs' }).click();
  await expect(page.getByText(/Pourcentage de remplissage/)).toBeVisible();
  await expectAccessible(page);

  await page.goto(contract);
  await page.getByRole('link', { name: 'Accéder à la liste des contacts administratifs' }).click();
  await expect(page.getByRole('cell', { name: 'DIRECTEUR' })).toBeVisible();
  await expectAccessible(page);

  await page.goto(contract);
  await page.getByRole('link', { name: 'Accéder à la liste des établissements du contrat' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Établissements du contrat' })).toBeVisible();
  await expectAccessible(page);

  await page.goto('/');
  await page.getByRole('link', { name: '210984078 - ACODEGE' }).click();
  await expect(page.getByRole('heading', { name: 'Liste des établissements' })).toBeVisible();
  await expectAccessible(page);
});

test('an unknown page says so in French', async ({ page }) => {
  await login(page, REFERENT);
  const response = await page.goto('/contrats/999999');
  expect(response?.status()).toBe(404);
  await expect(page.getByText("La page demandée n'existe pas ou n'est pas accessible.")).toBeVisible();
  await expectAccessible(page);
});
