//! Markup building blocks. Every function takes caller data as `&str` (escaped by maud
//! on the way out) or as [`Markup`](maud::Markup) the caller built with `html!` (already
//! escaped); none of them wraps caller data in `PreEscaped`.

mod fields;
mod forms;
mod misc;
mod table;

pub use fields::{Field, FormErrors};
pub use forms::{csrf_field, get_form, post_form, submit, submit_kind, upload_form, ButtonKind};
pub use misc::{
    breadcrumbs, definition_list, empty_state, external_link, status_badge, BADGE_STATUSES,
};
pub use table::{pager, table, Row};

#[cfg(test)]
pub(crate) mod hostile {
    /// Strings a hostile corpus row or visitor could supply.
    pub const INPUTS: [&str; 4] = [
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "' onmouseover='alert(1)",
        "a & b \" c < d > e",
    ];

    /// The rendered output holds `input` only escaped: never its raw form, and no
    /// `<script` or `<img` at all (no component emits either).
    pub fn assert_inert(html: &str, input: &str) {
        assert!(
            !html.contains("<script") && !html.contains("<img"),
            "{html}"
        );
        if input.contains(['<', '>', '"']) {
            assert!(!html.contains(input), "{input:?} unescaped in {html}");
        }
        assert!(
            html.contains(&escape(input)),
            "{input:?} missing from {html}"
        );
    }

    fn escape(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }
}
