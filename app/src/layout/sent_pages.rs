//! What every page goes through before it is sent.
//!
//! Valid HTML (RGAA criterion 8.2), whatever Leptos writes. Three habits of its server rendering
//! are fixed here, once for all pages:
//! - `<!>`, its marker between two pieces of text, is a "bogus comment" to the HTML parser:
//!   written `<!---->`, the browser builds the same comment node, which hydration walks alike;
//! - the data of resources comes after `</html>`: the end of the document is moved after it;
//! - `HydrationScripts` writes the CSP nonce into `crossorigin` (leptos 0.8.23), which browsers
//!   read as `anonymous` since the value is unknown to them: `anonymous` is written.
//!
//! The WASM off the critical path: `HydrationScripts` preloads the islands' JS and WASM at high
//! priority, where they compete with the fonts and styles of the first paint (on a slow link the
//! largest paint came 1.6 s later). The islands hydrate once the browser is idle anyway, and every
//! page works before (plain forms and links), so the preloads are left out; a page without any
//! island (the login page, the public-service pages) loads no WASM at all.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest page the portal writes is the 500-question tree, well under a megabyte.
const MAX_PAGE_BYTES: usize = 32 * 1024 * 1024;
const BODY_END: &str = "</body>";
const HTML_END: &str = "</html>";
/// Elements whose content is text up to their end tag, never markup.
const RAW_TEXT: [&str; 4] = ["script", "style", "textarea", "title"];

/// The middleware: HTML responses go through [`valid_html`] and [`islands_on_idle_only`], others
/// pass as they are.
pub async fn finish_pages(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if !crate::accounts::web::has_content_type(response.headers(), "text/html") {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!(%error, "page not read to the end");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let body = match std::str::from_utf8(&bytes) {
        Ok(page) => Body::from(islands_on_idle_only(valid_html(page))),
        Err(_) => Body::from(bytes),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, body)
}

/// The page with Leptos's three habits fixed (see the module's comment). Only markup is
/// touched: text, attribute values and the content of scripts, styles and text areas never are.
pub fn valid_html(page: &str) -> String {
    let mut fixed = String::with_capacity(page.len() + page.len() / 8);
    let (mut copied, mut at) = (0, 0);
    while let Some(found) = page[at..].find('<') {
        let start = at + found;
        let rest = &page[start..];
        fixed.push_str(&page[copied..start]);
        copied = start;
        if rest.starts_with("<!>") {
            fixed.push_str("<!---->");
            at = start + 3;
            copied = at;
        } else if rest.starts_with("<!--") {
            at = start + rest.find("-->").map_or(rest.len(), |end| end + 3);
        } else if rest.starts_with(BODY_END) {
            // What follows the document's end (the resources' data) goes before it; the markers
            // between `</body>` and `</html>` go.
            let after = rest.find(HTML_END).map_or("", |end| &rest[end + HTML_END.len()..]);
            fixed.push_str(&valid_html(after));
            fixed.push_str(BODY_END);
            fixed.push_str(HTML_END);
            return fixed;
        } else if rest.as_bytes().get(1).is_some_and(u8::is_ascii_alphabetic) {
            let tag = &rest[..tag_length(rest)];
            fixed.push_str(&with_valid_crossorigin(tag));
            at = start + tag.len();
            copied = at;
            let name: String = tag[1..].chars().take_while(char::is_ascii_alphanumeric).collect();
            if let Some(raw) = RAW_TEXT.iter().find(|raw| name.eq_ignore_ascii_case(raw)) {
                at += page[at..].find(&format!("</{raw}")).unwrap_or(page.len() - at);
            }
        } else {
            at = start + 1;
        }
    }
    fixed.push_str(&page[copied..]);
    fixed
}

/// The page without the `<link>`s of its head that preload the islands' JS module or WASM, and
/// without the islands' loader (the head's module script) when it has no island.
pub fn islands_on_idle_only(page: String) -> String {
    let has_islands = page.contains("<leptos-island");
    without_head_tags(page, &|tag| {
        tag.starts_with("<link ")
            && (tag.contains(r#" rel="modulepreload""#)
                || (tag.contains(r#" rel="preload""#) && tag.contains(r#" type="application/wasm""#)))
            || !has_islands && tag.starts_with(r#"<script type="module""#)
    })
}

/// The page without the tags of its head that `drop` picks (a script with its content).
fn without_head_tags(mut page: String, drop: &dyn Fn(&str) -> bool) -> String {
    let mut at = 0;
    loop {
        let head = page.find("</head>").unwrap_or(0);
        let Some(found) = page.get(at..head).and_then(|head| head.find('<')) else { return page };
        let start = at + found;
        let tag_end = start + tag_length(&page[start..]);
        // A script goes with its content, which is never read as tags.
        let end = match page[start..].starts_with("<script") {
            true => page[tag_end..].find("</script>").map_or(tag_end, |close| tag_end + close + "</script>".len()),
            false => tag_end,
        };
        if drop(&page[start..tag_end]) {
            page.replace_range(start..end, "");
            at = start;
        } else {
            at = end;
        }
    }
}

/// The length of the tag `tag` starts with, up to its `>` outside quoted values.
fn tag_length(tag: &str) -> usize {
    let mut quote = None;
    for (index, byte) in tag.bytes().enumerate() {
        match (quote, byte) {
            (None, b'"' | b'\'') => quote = Some(byte),
            (Some(open), _) if open == byte => quote = None,
            (None, b'>') => return index + 1,
            _ => {}
        }
    }
    tag.len()
}

fn with_valid_crossorigin(tag: &str) -> std::borrow::Cow<'_, str> {
    const ATTRIBUTE: &str = " crossorigin=\"";
    let Some(start) = tag.find(ATTRIBUTE).map(|start| start + ATTRIBUTE.len()) else { return tag.into() };
    let Some(length) = tag[start..].find('"') else { return tag.into() };
    match &tag[start..start + length] {
        "" | "anonymous" | "use-credentials" => tag.into(),
        _ => format!("{}anonymous{}", &tag[..start], &tag[start + length..]).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_between_texts_become_comments_browsers_read_alike() {
        assert_eq!(valid_html("<p>a<!>b<!>c</p>"), "<p>a<!---->b<!---->c</p>");
        assert_eq!(valid_html("<p><!-- kept --><!----></p>"), "<p><!-- kept --><!----></p>");
    }

    #[test]
    fn text_values_and_scripts_are_never_touched() {
        let page = concat!(
            r#"<p title="<!> & </body></html>">x &lt;!&gt; y</p>"#,
            r#"<script>let s = "<!>";</script><textarea><!></textarea><style>a::before{content:"<!>"}</style>"#,
        );
        assert_eq!(valid_html(page), page);
    }

    #[test]
    fn what_follows_the_document_goes_inside_it() {
        let page =
            "<!DOCTYPE html><html><head></head><body><p>a<!>b</p></body><!><!></html><!><script>x(\"<!>\")</script>";
        assert_eq!(
            valid_html(page),
            "<!DOCTYPE html><html><head></head><body><p>a<!---->b</p><!----><script>x(\"<!>\")</script></body></html>"
        );
    }

    #[test]
    fn a_nonce_in_crossorigin_is_read_as_anonymous() {
        let page = r#"<link rel="modulepreload" href="/pkg/e.js" crossorigin="Zm9vYmFy"><link rel="preload" crossorigin="anonymous">"#;
        assert_eq!(
            valid_html(page),
            r#"<link rel="modulepreload" href="/pkg/e.js" crossorigin="anonymous"><link rel="preload" crossorigin="anonymous">"#
        );
    }

    #[test]
    fn the_islands_are_not_preloaded_but_still_loaded_and_the_fonts_preloaded() {
        let head = concat!(
            r#"<html><head><link rel="preload" href="/dsfr/f.woff2" as="font" type="font/woff2" crossorigin="anonymous">"#,
            r#"<link rel="modulepreload" href="/pkg/ecars.js" crossorigin="anonymous">"#,
            r#"<link rel="preload" href="/pkg/ecars.wasm" as="fetch" type="application/wasm" crossorigin="anonymous">"#,
            r#"<script type="module" nonce="n">load("/pkg", "<link>", "ecars")</script><meta name="csrf"></head>"#,
        );
        let body = r#"<body><leptos-island data-component="Tree"></leptos-island><p>&lt;link rel="modulepreload"&gt;</p></body></html>"#;
        assert_eq!(
            islands_on_idle_only(format!("{head}{body}")),
            format!(
                "{}{body}",
                concat!(
                    r#"<html><head><link rel="preload" href="/dsfr/f.woff2" as="font" type="font/woff2" crossorigin="anonymous">"#,
                    r#"<script type="module" nonce="n">load("/pkg", "<link>", "ecars")</script><meta name="csrf"></head>"#,
                )
            )
        );
    }

    #[test]
    fn a_page_without_islands_loads_no_wasm() {
        let page = concat!(
            r#"<html><head><link rel="modulepreload" href="/pkg/ecars.js"><script type="module" nonce="n">load()</script>"#,
            r#"<meta name="csrf"></head><body><form method="post"></form><script nonce="n">__RESOLVED_RESOURCES=[];</script></body></html>"#,
        );
        assert_eq!(
            islands_on_idle_only(page.to_owned()),
            r#"<html><head><meta name="csrf"></head><body><form method="post"></form><script nonce="n">__RESOLVED_RESOURCES=[];</script></body></html>"#
        );
        assert_eq!(islands_on_idle_only("<link rel=\"modulepreload\"".to_owned()), "<link rel=\"modulepreload\"");
    }

    #[test]
    fn broken_markup_never_panics() {
        for page in ["<", "<a", "<a href=\"", "<script>", "<!--", "é<!>", "<é>", "</body></html>"] {
            let _ = valid_html(page);
        }
        assert_eq!(valid_html("é<!>ü"), "é<!---->ü");
    }
}
