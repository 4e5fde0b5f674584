//! Small pieces: status badges, breadcrumbs, definition lists, empty states, links out.

use maud::{html, Markup};

/// The statuses with their own badge colour (runs, steps, components, documents). Any
/// other status gets the neutral `badge-other`.
pub const BADGE_STATUSES: [&str; 10] = [
    "running",
    "complete",
    "partial",
    "failed",
    "stale",
    "timed_out",
    "pending",
    "current",
    "superseded",
    "deleted",
];

/// `<span class="badge badge-failed">failed</span>`; underscores read as spaces
/// (`timed out`). The class comes from the fixed list, never from the caller's text.
pub fn status_badge(status: &str) -> Markup {
    let key = status.trim().to_ascii_lowercase();
    let class = match BADGE_STATUSES.iter().find(|s| **s == key) {
        Some(s) => format!("badge badge-{s}"),
        None => "badge badge-other".to_owned(),
    };
    html! { span class=(class) { (status.trim().replace('_', " ")) } }
}

/// A breadcrumb trail: `trail` is `(href, label)` from the top down; `current` is this
/// page (not a link, `aria-current="page"`).
pub fn breadcrumbs(trail: &[(&str, &str)], current: &str) -> Markup {
    html! {
        nav.breadcrumbs aria-label="Breadcrumb" {
            ol {
                @for (href, label) in trail {
                    li { a href=(href) { (label) } }
                }
                li aria-current="page" { (current) }
            }
        }
    }
}

/// Facts about one thing (`dt`/`dd` pairs). Values are markup so they may hold links or
/// badges; pass text as `html! { (text) }`.
pub fn definition_list(items: &[(&str, Markup)]) -> Markup {
    html! {
        dl.details {
            @for (term, value) in items {
                dt { (term) }
                dd { (value) }
            }
        }
    }
}

/// "Nothing here yet" in a way that reads as a message, not as missing content.
pub fn empty_state(text: &str) -> Markup {
    html! { p.empty { (text) } }
}

/// A link to a web address from data (an RTO's website): linked only when it is an
/// `http(s)` URL, or a bare host such as `www.example.edu.au` (linked as `https://`);
/// anything else (`javascript:`, junk) is shown as text, never as a link.
pub fn external_link(url: &str, label: &str) -> Markup {
    match web_address(url) {
        Some(href) => html! { a href=(href) rel="noopener noreferrer nofollow" { (label) } },
        None => html! { (label) },
    }
}

fn web_address(url: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty()
        || url.len() > 2048
        || url.bytes().any(|c| c <= b' ' || c == 0x7f || c == b'\\')
    {
        return None;
    }
    let lower = url.to_ascii_lowercase();
    let has_host = |rest: &str| {
        rest.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
    };
    if let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    {
        return has_host(rest).then(|| url.to_owned());
    }
    // A bare host: letters, digits, dots and hyphens up to the first '/', with a dot.
    let host = lower.split('/').next().unwrap_or("");
    let bare = has_host(host)
        && host.contains('.')
        && host
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'-');
    bare.then(|| format!("https://{url}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::hostile;

    #[test]
    fn badges_use_fixed_classes() {
        assert_eq!(
            status_badge("timed_out").into_string(),
            "<span class=\"badge badge-timed_out\">timed out</span>"
        );
        assert_eq!(
            status_badge("Complete").into_string(),
            "<span class=\"badge badge-complete\">Complete</span>"
        );
        assert_eq!(
            status_badge("x\" onclick=\"y").into_string(),
            "<span class=\"badge badge-other\">x&quot; onclick=&quot;y</span>"
        );
    }

    #[test]
    fn breadcrumbs_mark_the_current_page() {
        assert_eq!(
            breadcrumbs(&[("/", "Home"), ("/search", "Search")], "BSB50120").into_string(),
            "<nav class=\"breadcrumbs\" aria-label=\"Breadcrumb\"><ol>\
             <li><a href=\"/\">Home</a></li><li><a href=\"/search\">Search</a></li>\
             <li aria-current=\"page\">BSB50120</li></ol></nav>"
        );
    }

    #[test]
    fn lists_and_empty_states() {
        let html = definition_list(&[
            ("Status", status_badge("current")),
            ("Code", html! { "BSB" }),
        ])
        .into_string();
        assert_eq!(
            html,
            "<dl class=\"details\"><dt>Status</dt><dd><span class=\"badge badge-current\">current</span></dd>\
             <dt>Code</dt><dd>BSB</dd></dl>"
        );
        assert_eq!(
            empty_state("No documents yet.").into_string(),
            "<p class=\"empty\">No documents yet.</p>"
        );
    }

    #[test]
    fn external_links_are_web_addresses_only() {
        assert_eq!(
            external_link("https://www.example.edu.au/courses", "Website").into_string(),
            "<a href=\"https://www.example.edu.au/courses\" rel=\"noopener noreferrer nofollow\">Website</a>"
        );
        assert!(external_link("www.example.edu.au", "x")
            .into_string()
            .contains("href=\"https://www.example.edu.au\""));
        assert!(external_link("HTTP://Example.com", "x")
            .into_string()
            .contains("href=\"HTTP://Example.com\""));
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "//evil.example",
            "https://",
            "https:///x",
            "http://a b",
            "vbscript:x",
            "mailto:a@b.c",
            "not a url",
            "localhost",
            "",
        ] {
            let html = external_link(bad, "label").into_string();
            assert_eq!(html, "label", "{bad:?}");
        }
    }

    #[test]
    fn hostile_values_stay_text() {
        for h in hostile::INPUTS {
            for m in [
                status_badge(h),
                breadcrumbs(&[(h, h)], h),
                definition_list(&[(h, html! { (h) })]),
                empty_state(h),
                external_link(h, h),
                external_link(&format!("https://x.example/{h}"), h),
            ] {
                hostile::assert_inert(&m.into_string(), h);
            }
        }
    }
}
