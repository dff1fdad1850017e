// The footer's pages of a public service site: reached from any page's footer, before login too,
// and accessible themselves.
import { test, expect, hydrated, expectAccessible, login, CHU } from './fixtures';

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

test('the site files are sent compressed at build and kept for good by the browser', async ({ page, request }) => {
  // The islands' JS and WASM are not preloaded (they would compete with the first paint): they
  // are fetched once the browser is idle.
  const fetched: string[] = [];
  page.on('request', (sent) => fetched.push(sent.url()));
  // The login page has no island: no script nor WASM of the portal at all.
  await page.goto('/connexion');
  await page.waitForLoadState('networkidle');
  expect(fetched.filter((address) => /\/pkg\/.*\.(js|wasm)$/.test(address))).toEqual([]);
  // A page with islands fetches them once the browser is idle.
  await login(page, CHU);
  await hydrated(page);
  const links = await page.evaluate(() =>
    Array.from(document.querySelectorAll('link[rel="stylesheet"], link[rel="modulepreload"], link[rel="preload"]')).map(
      (link) => (link as HTMLLinkElement).href,
    ),
  );
  expect(links.filter((address) => /\/pkg\/.*\.(js|wasm)$/.test(address)), 'no preload of the islands').toEqual([]);
  const addresses = [...links, ...fetched.filter((address) => /\/pkg\/.*\.(js|wasm)$/.test(address))];
  const wasm = addresses.find((address) => address.endsWith('.wasm'));
  const css = addresses.find((address) => /\/pkg\/ecars\.[\w-]{22}\.css$/.test(address));
  expect(wasm, 'the WASM has a hashed name').toMatch(/\/pkg\/ecars\.[\w-]{22}(_bg)?\.wasm$/);
  expect(css, 'the portal CSS has a hashed name').toBeTruthy();
  // One stylesheet: the DSFR rules the portal uses are in it; the fonts come from the DSFR's folder.
  expect(addresses.filter((address) => address.endsWith('.css'))).toEqual([css]);
  expect(addresses.some((address) => /\/dsfr\/\d+\.\d+\.\d+\/fonts\/Marianne-Regular\.woff2$/.test(address))).toBe(true);
  const stylesheet = await (await request.get(css!)).text();
  expect(stylesheet).toContain('.fr-btn');
  expect(stylesheet, 'icons the portal does not use are left out').not.toContain('fr-icon-zoom-in-line');
  for (const address of addresses) {
    const response = await request.get(address, { headers: { 'Accept-Encoding': 'br, gzip' } });
    expect(response.status(), address).toBe(200);
    expect(response.headers()['cache-control'], address).toBe('public, max-age=31536000, immutable');
    expect(response.headers()['content-encoding'], address).toBe('br');
  }
});
