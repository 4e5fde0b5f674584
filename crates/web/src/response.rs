//! A transport-neutral reply. Workers turn an [`Html`] into their runtime's response
//! (status, each header in order, body); nothing here knows about `worker`.

use maud::Markup;

use crate::redirect;

/// The Content-Security-Policy of every page: no scripts at all, styles and images from
/// the page's own origin only, forms post only to it, never framed.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The referrer policy of ordinary pages.
pub const REFERRER_DEFAULT: &str = "strict-origin-when-cross-origin";

/// The referrer policy of pages whose URL carries a secret (magic-link landings), so the
/// token never leaves in a `Referer` header.
pub const REFERRER_NONE: &str = "no-referrer";

/// A finished reply: status, headers (in order; `Set-Cookie` may repeat), body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Html {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// The headers every HTML reply carries, with the default referrer policy.
/// [`Html::no_referrer`] and [`Html::no_store`] adjust them.
pub fn security_headers() -> Vec<(String, String)> {
    [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Security-Policy", CSP),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", REFERRER_DEFAULT),
        ("X-Frame-Options", "DENY"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

impl Html {
    /// A 200 page.
    pub fn page(markup: Markup) -> Html {
        Html::with_body(200, markup.into_string())
    }

    /// A 303 See Other to a local path (the usual answer to a successful POST).
    /// Anything that is not a safe local path ([`redirect::local_path`]) becomes `/`,
    /// so a caller-supplied `next` can never redirect off-site.
    pub fn redirect_see_other(location: &str) -> Html {
        let target = redirect::safe_next(Some(location));
        let mut reply = Html::with_body(303, String::new());
        reply.headers.push(("Location".to_owned(), target));
        reply
    }

    /// A 404 showing `markup` (the surface's "page not found" page).
    pub fn not_found(markup: Markup) -> Html {
        Html::error(404, markup)
    }

    /// An error page. `status` must be 4xx or 5xx; anything else is a programming
    /// mistake and is answered as 500 rather than passing an error off as a success.
    pub fn error(status: u16, markup: Markup) -> Html {
        let status = if (400..=599).contains(&status) {
            status
        } else {
            500
        };
        Html::with_body(status, markup.into_string())
    }

    fn with_body(status: u16, body: String) -> Html {
        Html {
            status,
            headers: security_headers(),
            body,
        }
    }

    /// Replace the status (e.g. 400 for a form shown again with its errors).
    pub fn with_status(mut self, status: u16) -> Html {
        self.status = status;
        self
    }

    /// Set a header, replacing any header of the same name (case-insensitive).
    pub fn with_header(mut self, name: &str, value: &str) -> Html {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Add a `Set-Cookie` header (from [`crate::cookie`]'s builders); several may be added.
    pub fn with_cookie(mut self, set_cookie: String) -> Html {
        self.headers.push(("Set-Cookie".to_owned(), set_cookie));
        self
    }

    /// `Cache-Control: no-store`: for every page that shows a signed-in user or carries a
    /// per-visitor token, so no shared or back-button cache keeps it.
    pub fn no_store(self) -> Html {
        self.with_header("Cache-Control", "no-store")
    }

    /// `Referrer-Policy: no-referrer`: for pages whose URL holds a secret.
    pub fn no_referrer(self) -> Html {
        self.with_header("Referrer-Policy", REFERRER_NONE)
    }

    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header that may repeat (`Set-Cookie`).
    pub fn header_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use maud::html;

    #[test]
    fn pages_carry_every_security_header() {
        let r = Html::page(html! { p { "hi" } });
        assert_eq!(r.status, 200);
        assert_eq!(r.body, "<p>hi</p>");
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        assert_eq!(
            r.header("Content-Security-Policy"),
            Some(
                "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
                 frame-ancestors 'none'; base-uri 'none'"
            )
        );
        assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
        assert_eq!(
            r.header("Referrer-Policy"),
            Some("strict-origin-when-cross-origin")
        );
        assert_eq!(r.header("X-Frame-Options"), Some("DENY"));
        assert_eq!(r.header("Cache-Control"), None);
    }

    #[test]
    fn flags_replace_rather_than_duplicate() {
        let r = Html::page(html! {}).no_referrer().no_store().no_store();
        assert_eq!(r.header_all("referrer-policy").count(), 1);
        assert_eq!(r.header("Referrer-Policy"), Some("no-referrer"));
        assert_eq!(
            r.header_all("cache-control").collect::<Vec<_>>(),
            ["no-store"]
        );
    }

    #[test]
    fn cookies_may_repeat() {
        let r = Html::page(html! {})
            .with_cookie("a=1".into())
            .with_cookie("b=2".into());
        assert_eq!(
            r.header_all("set-cookie").collect::<Vec<_>>(),
            ["a=1", "b=2"]
        );
    }

    #[test]
    fn redirects_stay_local() {
        let r = Html::redirect_see_other("/documents?sort=name");
        assert_eq!(r.status, 303);
        assert_eq!(r.header("Location"), Some("/documents?sort=name"));
        assert_eq!(r.header("X-Frame-Options"), Some("DENY"));
        for hostile in [
            "//evil.example",
            "https://evil.example/",
            "/\\evil",
            "/%2f%2fevil",
        ] {
            let r = Html::redirect_see_other(hostile);
            assert_eq!(r.header("Location"), Some("/"), "{hostile}");
        }
    }

    #[test]
    fn errors_are_errors() {
        assert_eq!(Html::not_found(html! {}).status, 404);
        assert_eq!(Html::error(403, html! {}).status, 403);
        assert_eq!(Html::error(200, html! {}).status, 500);
        assert_eq!(Html::error(302, html! {}).status, 500);
        let r = Html::error(400, html! { p { "<b>" } });
        assert_eq!(r.body, "<p>&lt;b&gt;</p>");
    }
}
