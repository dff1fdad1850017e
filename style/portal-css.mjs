// The portal's one stylesheet, written by `make` before cargo-leptos builds (which names it by
// its content, precompresses it and serves it for good): the DSFR rules and icons the portal's
// code names (PurgeCSS over app/src, instead of the 90 KB of the whole DSFR and 28 KB of its
// icons), their fonts and pictures addressed where the DSFR files are served, then main.css.
//
//   node style/portal-css.mjs <DSFR version> <output file>

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PurgeCSS } from 'purgecss';

const [version, output] = process.argv.slice(2);
if (!version || !output) {
  console.error('usage: node style/portal-css.mjs <DSFR version> <output file>');
  process.exit(2);
}
const dist = 'node_modules/@gouvfr/dsfr/dist';
// `routes::DSFR_DIR`: the DSFR's fonts and icons are copied there, under its version.
const served = `/dsfr/${version}/`;

const [dsfr, icons] = await new PurgeCSS().purge({
  // Class names are whole strings in the Rust code (`class="fr-btn fr-btn--secondary"`).
  content: ['app/src/**/*.rs', 'style/main.css'],
  css: [`${dist}/dsfr.min.css`, `${dist}/utility/icons/icons.min.css`],
  // Written by the browser or the DSFR's own rules, never in our code.
  safelist: { standard: ['html', 'body', 'svg'] },
});

/** `url(fonts/x.woff2)` in a file of `folder` (under the DSFR's dist) as an absolute address. */
function addressed(css, folder) {
  return css.replace(/url\((['"]?)(?!data:|\/|https?:)([^'")]+)\1\)/g, (_, quote, path) => {
    const absolute = new URL(path, `http://portail${served}${folder}`).pathname;
    return `url(${quote}${absolute}${quote})`;
  });
}

const portal = [
  addressed(dsfr.css, ''),
  addressed(icons.css, 'utility/icons/'),
  readFileSync('style/main.css', 'utf8'),
].join('\n');
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, portal);
console.log(`${output}: ${portal.length} bytes (DSFR ${dsfr.css.length}, icons ${icons.css.length})`);
