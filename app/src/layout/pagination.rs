//! "Page 1 sur 1": which slice of a list a page shows, and the links between pages.

use leptos::prelude::*;

/// A page of a list, numbered from 1 as users count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub number: usize,
    pub count: usize,
    pub size: usize,
}

impl Page {
    /// The requested page of `total` items; out-of-range or malformed numbers give the nearest page.
    pub fn of(requested: Option<&str>, total: usize, size: usize) -> Self {
        Page::numbered(requested.and_then(|n| n.parse::<usize>().ok()).unwrap_or(1), total, size)
    }

    /// Page `number` of `total` items, or the nearest one.
    pub fn numbered(number: usize, total: usize, size: usize) -> Self {
        let count = total.div_ceil(size).max(1);
        Page { number: number.clamp(1, count), count, size }
    }

    pub fn range(self, total: usize) -> std::ops::Range<usize> {
        let start = ((self.number - 1) * self.size).min(total);
        start..(start + self.size).min(total)
    }
}

/// Previous / next links around "Page N sur M"; `href(n)` gives the address of page n.
#[component]
pub fn Pagination(page: Page, href: impl Fn(usize) -> String) -> impl IntoView {
    let link = |target: usize, label: &'static str, class: &'static str, enabled: bool| {
        if enabled {
            view! { <a class=format!("fr-pagination__link {class}") href=href(target)>{label}</a> }.into_any()
        } else {
            view! { <a class=format!("fr-pagination__link {class}") aria-disabled="true" role="link">{label}</a> }
                .into_any()
        }
    };
    view! {
        <nav class="fr-pagination" aria-label="Pagination">
            <ul class="fr-pagination__list">
                <li>{link(page.number.saturating_sub(1), "Page précédente", "fr-pagination__link--prev fr-pagination__link--lg-label", page.number > 1)}</li>
                <li><span class="fr-pagination__link pagination-status">{format!("Page {} sur {}", page.number, page.count)}</span></li>
                <li>{link(page.number + 1, "Page suivante", "fr-pagination__link--next fr-pagination__link--lg-label", page.number < page.count)}</li>
            </ul>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_list_still_has_one_page() {
        let page = Page::of(None, 0, 10);
        assert_eq!((page.number, page.count), (1, 1));
        assert_eq!(page.range(0), 0..0);
    }

    #[test]
    fn pages_slice_the_list() {
        let page = Page::of(Some("3"), 25, 10);
        assert_eq!((page.number, page.count), (3, 3));
        assert_eq!(page.range(25), 20..25);
    }

    #[test]
    fn bad_page_numbers_fall_back_to_a_real_page() {
        assert_eq!(Page::of(Some("99"), 25, 10).number, 3);
        assert_eq!(Page::of(Some("0"), 25, 10).number, 1);
        assert_eq!(Page::of(Some("abc"), 25, 10).number, 1);
    }
}
