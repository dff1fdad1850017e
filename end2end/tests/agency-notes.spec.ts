// "Notes de l'agence": a referent writes a note on CAQES TEST's evaluation; the agency's
// administrator reads it; the establishment never sees it.
import { test, expect, expectAccessible, login, Account, CHU, REFERENT } from './fixtures';

const ADMIN_ARA: Account = { email: 'admin-ara@ars.exemple.fr', password: 'Admin-Ara-Demo-2026!' };
const NOTE = 'Relancer le pharmacien sur le plan d\u2019actions 2.1.1 avant juin.';

async function openCaqesTest(page: import('@playwright/test').Page) {
  await page.getByRole('link', { name: /CHU DE GRENOBLE ALPES/ }).click();
  await page.getByRole('link', { name: 'CAQES TEST', exact: true }).click();
}

test("the agency's notes are written by a referent and never shown to the establishment", async ({ page, consoleErrors }) => {
  await login(page, REFERENT);
  await openCaqesTest(page);
  const notes = page.locator('section#notes-agence');
  await expect(notes.getByRole('heading', { name: /^Notes de l'agence/ })).toBeVisible();
  // A blank note is refused and nothing is written.
  await notes.getByLabel('Ajouter une note').fill('   ');
  await notes.getByRole('button', { name: 'Enregistrer la note' }).click();
  await expect(notes.getByText("Écrivez la note avant de l'enregistrer.")).toBeVisible();
  await notes.getByLabel('Ajouter une note').fill(NOTE);
  await notes.getByRole('button', { name: 'Enregistrer la note' }).click();
  await expect(notes.getByText('Note enregistrée')).toBeVisible();
  await expect(notes.locator('li')).toContainText([NOTE]);
  await expect(notes.locator('li').first()).toContainText(REFERENT.email);
  await expectAccessible(page);

  await page.context().clearCookies();
  await login(page, ADMIN_ARA);
  await page.goto('/');
  await openCaqesTest(page);
  await expect(page.locator('section#notes-agence li').first()).toContainText(NOTE);

  await page.context().clearCookies();
  await login(page, CHU);
  await openCaqesTest(page);
  await expect(page.locator('.phase-banner')).toBeVisible();
  await expect(page.getByText("Notes de l'agence")).toHaveCount(0);
  await expect(page.getByText(NOTE)).toHaveCount(0);
});
