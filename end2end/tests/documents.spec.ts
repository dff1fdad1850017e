import * as fs from 'fs';
import { test, expect, hydrated, expectAccessible, login, mailMatching, CHU } from './fixtures';

/** A small but real PDF of about `megabytes` MB, so that the upload takes a few progress events. */
function pdf(megabytes: number): Buffer {
  return Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(megabytes * 1024 * 1024, 32), Buffer.from('\n%%EOF\n')]);
}

test('a PDF added to a question with its progress bar, listed with date and author, downloaded back', async ({ page, consoleErrors }) => {
  await login(page, CHU);
  await page.getByRole('link', { name: /CHU DE GRENOBLE ALPES/ }).click();
  await page.getByRole('link', { name: 'CAQES TEST', exact: true }).click();
  // CAQES: the contract's own block offers the download of everything, not the upload.
  const contractBlock = page.locator('section.documents', { hasText: 'Documents du contrat' });
  await expect(contractBlock.getByRole('link', { name: 'Récupérer tous les documents' })).toBeVisible();
  await expect(contractBlock.getByText('Ajouter document')).toHaveCount(0);

  await page.getByRole('link', { name: 'Saisir les indicateurs' }).click();
  await hydrated(page);
  await page.locator('li.tree__leaf', { hasText: '1.1.1.a - ' }).getByRole('link').click();
  const block = page.locator('section.question-panel section.documents');
  await expect(block.getByRole('heading', { name: "Documents de l'indicateur" })).toBeVisible();
  // Formats and size limit are said before anything is sent.
  await expect(block).toContainText('Formats acceptés : txt, xls, xlsx');
  await expect(block).toContainText('Taille maximale : 50 Mo');

  const content = pdf(4);
  await block.getByLabel(/^Ajouter document/).setInputFiles({ name: 'Audit été 2026.pdf', mimeType: 'application/pdf', buffer: content });
  const sent = block.locator('.documents__sending li', { hasText: 'Audit été 2026.pdf' });
  await expect(sent.locator('progress')).toHaveAttribute('value', '100');
  await expect(sent).toContainText('Document ajouté.');
  const row = block.getByRole('row', { name: /Audit été 2026\.pdf/ });
  await expect(row).toContainText(CHU.email);
  await expect(row).toContainText(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);

  // Refused in the browser before sending (extension), and by the server (content).
  await block.getByLabel(/^Ajouter document/).setInputFiles([
    { name: 'programme.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') },
    { name: 'facture.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00\x03\x00\x00\x00 pas un PDF') },
  ]);
  await expect(block.locator('.documents__sending li', { hasText: 'programme.exe' })).toContainText('Formats acceptés');
  await expect(block.locator('.documents__sending li', { hasText: 'facture.pdf' })).toContainText('ne correspond pas à un fichier .pdf');
  await expect(block.getByRole('row', { name: /facture\.pdf/ })).toHaveCount(0);
  await expectAccessible(page);

  const download = page.waitForEvent('download');
  await row.getByRole('link', { name: 'Audit été 2026.pdf' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('Audit été 2026.pdf');
  expect(fs.readFileSync(await file.path()).equals(content)).toBe(true);

  // Still there after a reload.
  await page.reload();
  await expect(page.locator('section.question-panel').getByRole('row', { name: /Audit été 2026\.pdf/ })).toBeVisible();
});

test('an evaluation report deposited on an establishment notifies the agency', async ({ page, consoleErrors }) => {
  await login(page, CHU);
  await page.getByRole('link', { name: /CHU DE GRENOBLE ALPES/ }).click();
  await page.getByRole('link', { name: 'CAQES TEST', exact: true }).click();
  await page.getByRole('link', { name: 'Accéder à la liste des établissements du contrat' }).click();
  await page.locator('tbody tr').first().getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: /^Etablissement : / })).toBeVisible();
  await hydrated(page);

  const block = page.locator('section.documents', { hasText: "Documents de l'établissement" });
  await expect(block).toContainText('Documents');
  await block.getByLabel(/^Ajouter document/).setInputFiles({ name: "Rapport d'évaluation externe.pdf", mimeType: 'application/pdf', buffer: pdf(1) });
  const row = block.getByRole('row', { name: /Rapport d'évaluation externe\.pdf/ });
  await expect(row).toContainText(CHU.email);
  await expectAccessible(page);

  await row.getByRole('button', { name: "Déclarer comme rapport d'évaluation" }).click();
  await expect(row).toContainText("Rapport d'évaluation");
  await expect(row).toContainText(/Notifié le \d{2}\/\d{2}\/\d{4}/);
  await expect(row).toContainText('referent@ars.exemple.fr');
  await expect(row).toContainText('qualite@ars.exemple.fr');
  for (const to of ['referent@ars.exemple.fr', 'qualite@ars.exemple.fr']) {
    // ASCII only: the outbox helper decodes quoted-printable byte by byte.
    const notice = await mailMatching(
      (message) => message.includes(`To: ${to}`) && message.includes('externe.pdf'),
      `the notice mailed to ${to}`,
    );
    expect(notice).toContain('/etablissements/');
  }

  // The notice stays on the establishment's page.
  await page.reload();
  await expect(page.getByText(/Notifié le \d{2}\/\d{2}\/\d{4}/)).toBeVisible();
});
