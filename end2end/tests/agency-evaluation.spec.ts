// The agency's evaluation of a closed year: "Évaluer" question by question (the panel swapped in,
// the dots and the percentage following each save), "Notifier l'évaluation provisoire", then the
// establishment's first opening of "Évaluation de l'agence", which is the receipt. It works on
// CAQES TEST's earlier year, closed in the demo: the current year stays the other files'.
import { test, expect, hydrated, expectAccessible, login, mailMatching, CHU, REFERENT } from './fixtures';

async function openCaqesTest(page: import('@playwright/test').Page) {
  await page.getByRole('link', { name: /CHU DE GRENOBLE ALPES/ }).click();
  await page.getByRole('link', { name: 'CAQES TEST', exact: true }).click();
}

test("the agency appraises last year's self-evaluation, notifies it, and the establishment's first opening is the receipt", async ({ page, consoleErrors }) => {
  test.setTimeout(300_000);
  await login(page, REFERENT);
  await openCaqesTest(page);
  const evaluate = page.getByRole('link', { name: /^Évaluer \d{4}$/ });
  const year = ((await evaluate.textContent()) ?? '').replace('Évaluer', '').trim();
  await evaluate.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Évaluer l'année ${year} : CAQES TEST`);
  await hydrated(page);
  await expect(page.locator('#pourcentage')).toContainText('Pourcentage évalué : 0 %');
  await expect(page.getByText('Aucun indicateur apprécié ne compte dans le score.')).toBeVisible();
  await expectAccessible(page);

  // A first question: its panel beside the tree, the establishment's answer and the three fields.
  await page.locator('a.tree__question').first().click();
  const panel = page.locator('section.question-panel');
  const heading = panel.getByRole('heading', { level: 2 });
  await expect(heading).toBeVisible();
  await expect(panel.getByLabel(/^Valeur retenue/)).toBeVisible();
  await expect(panel.getByText('Appréciation proposée pour la valeur de l')).toBeVisible();
  await expectAccessible(page);
  await panel.getByLabel(/^Valeur retenue/).fill('');
  await panel.locator('label[for="appreciation-non_evaluable"]').click();
  await panel.getByLabel(/^Commentaire de l'agence/).fill("Pièces insuffisantes pour apprécier l'indicateur.");
  await panel.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await expect(panel.getByRole('status')).toHaveText('Appréciation enregistrée.');
  await expect(page.locator('a.tree__question').first().locator('.tree__dot')).toHaveClass(/tree__dot--green/);
  await expect(page.locator('#pourcentage')).not.toContainText('Pourcentage évalué : 0 %');

  // Every other question as proposed, one after the other.
  const next = panel.getByRole('button', { name: 'Enregistrer et passer à la suivante' });
  const done = page.getByText('Toutes les questions sont appréciées.');
  for (let saved = 0; saved < 300 && (await done.count()) === 0; saved++) {
    const before = await heading.textContent();
    await next.click();
    await expect.poll(async () => (await done.count()) > 0 || (await heading.textContent()) !== before).toBe(true);
  }
  await expect(page.locator('#pourcentage')).toContainText('Pourcentage évalué : 100 %');
  await expect(page.locator('.tree__dot--red')).toHaveCount(0);

  // Notified once confirmed: the year moves on, the establishment is told where to read it.
  await page.reload();
  await page.locator('label[for="confirmer-notification"]').click();
  await page.getByRole('button', { name: "Notifier l'évaluation provisoire" }).click();
  await expect(page.getByText("Évaluation provisoire notifiée : l'établissement en est prévenu par courriel.")).toBeVisible();
  await expect(page.locator('.phase-banner')).toHaveText(/Évaluation provisoire notifiée/);
  await expect(page.getByText("pas encore consultée par l'établissement")).toBeVisible();
  await expect(page.getByRole('row', { name: /Pièces insuffisantes/ })).toContainText('Non évaluable');
  await expectAccessible(page);
  const mail = await mailMatching(
    (message) => message.includes(`To: ${CHU.email}`) && message.includes('valuation provisoire'),
    'the notification to the establishment',
  );
  expect(mail).toContain('/evaluation-agence');
  expect(mail).not.toContain('Pièces insuffisantes');

  // The establishment opens it: the receipt, with its author; the letter is a PDF.
  await page.context().clearCookies();
  await login(page, CHU);
  await openCaqesTest(page);
  await page.getByRole('link', { name: `Évaluation de l'agence ${year}` }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Évaluation provisoire ${year} : CAQES TEST`);
  await expect(page.getByText('Consultée le')).toContainText(CHU.email);
  await expect(page.getByText('Délai de réponse')).toBeVisible();
  await expectAccessible(page);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: /Télécharger le courrier/ }).click();
  expect((await download).suggestedFilename()).toMatch(/^evaluation-provisoire-\d{4}-caqes-test\.pdf$/);
});
