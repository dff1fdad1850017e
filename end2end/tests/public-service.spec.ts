// The footer's pages of a public service site: reached from any page's footer, before login too,
// and accessible themselves.
import { test, expect, expectAccessible } from './fixtures';

test('the footer leads to the accessibility declaration and the legal pages, before login', async ({ page, consoleErrors }) => {
  await page.goto('/connexion');
  const footer = page.getByRole('contentinfo');
  await footer.getByRole('link', { name: 'Accessibilité : partiellement conforme' }).click();
  await expect(page.getByRole('heading', { level: 1, name: "Déclaration d'accessibilité" })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Voies de recours' })).toBeVisible();
  await expectAccessible(page);
  for (const [link, title] of [
    ['Mentions légales', 'Mentions légales'],
    ['Données personnelles', 'Données personnelles'],
    ['Plan du site', 'Plan du site'],
  ]) {
    await page.getByRole('contentinfo').getByRole('link', { name: link }).click();
    await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
    await expectAccessible(page);
  }
  await page.getByRole('navigation', { name: 'Plan du site' }).getByRole('link', { name: 'Connexion' }).click();
  await expect(page.getByLabel('Identifiant')).toBeVisible();
});
