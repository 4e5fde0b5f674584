//! The one page shell every surface uses: landmarks, skip link, one `h1`, the
//! stylesheet, the account area with a POST sign-out.

use maud::{html, Markup, DOCTYPE};

use crate::assets::stylesheet_path;
use crate::components::{breadcrumbs, csrf_field};
use crate::response::Html;

/// Which browser surface a page belongs to: its brand and default navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Site,
    Workspace,
    Admin,
    Prelaunch,
}

impl Surface {
    pub fn brand(self) -> &'static str {
        match self {
            Surface::Site | Surface::Prelaunch => "RTOpacks",
            Surface::Workspace => "RTOpacks Workspace",
            Surface::Admin => "RTOpacks Admin",
        }
    }

    /// The default navigation `(href, label)`. A worker whose routes differ sets
    /// [`Page::nav`] itself.
    pub fn nav_items(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Surface::Site => &[
                ("/", "Home"),
                ("/search", "Search"),
                ("/waitlist", "Join the waitlist"),
            ],
            Surface::Workspace => &[
                ("/", "Overview"),
                ("/scope", "Scope"),
                ("/impact", "Impact"),
                ("/people", "People"),
                ("/documents", "Documents"),
            ],
            Surface::Admin => &[
                ("/", "Observatory"),
                ("/access", "Access"),
                ("/organisations", "Organisations"),
                ("/keys", "Keys"),
            ],
            Surface::Prelaunch => &[],
        }
    }

    /// Signed-in and operator surfaces stay out of search engines.
    pub fn indexable(self) -> bool {
        matches!(self, Surface::Site | Surface::Prelaunch)
    }

    /// [`Surface::nav_items`] with the link for `current_path` marked current.
    pub fn nav(self, current_path: &str) -> Vec<NavLink> {
        self.nav_items()
            .iter()
            .map(|(href, label)| NavLink::new(href, label, current_path))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavLink {
    pub href: String,
    pub label: String,
    pub current: bool,
}

impl NavLink {
    /// A link, current when `current_path` is `href` or lies under it (`/` only matches
    /// itself).
    pub fn new(href: &str, label: &str, current_path: &str) -> NavLink {
        let current = current_path == href
            || (href != "/"
                && current_path
                    .strip_prefix(href)
                    .is_some_and(|rest| rest.starts_with('/')));
        NavLink {
            href: href.to_owned(),
            label: label.to_owned(),
            current,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Success,
    Error,
}

/// A one-line message at the top of the page ("Link sent. Check your inbox.").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Notice {
        Notice {
            kind: NoticeKind::Info,
            text: text.into(),
        }
    }
    pub fn success(text: impl Into<String>) -> Notice {
        Notice {
            kind: NoticeKind::Success,
            text: text.into(),
        }
    }
    pub fn error(text: impl Into<String>) -> Notice {
        Notice {
            kind: NoticeKind::Error,
            text: text.into(),
        }
    }
}

/// The sign-out control: a POST form (signing out changes state, so never a GET link)
/// to `action`, carrying a CSRF token issued for that action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOut {
    pub action: String,
    pub csrf_token: String,
}

/// One page. `title` fills `<title>` ("{title} — RTOpacks") and, unless `heading` is
/// set, the page's only `h1`: bodies start at `h2`.
#[derive(Debug, Clone)]
pub struct Page {
    pub title: String,
    pub heading: Option<String>,
    pub surface: Surface,
    pub nav: Vec<NavLink>,
    /// `(href, label)` above the heading; the heading is the current crumb.
    pub breadcrumbs: Vec<(String, String)>,
    pub signed_in_as: Option<String>,
    /// Shown only with `signed_in_as`.
    pub sign_out: Option<SignOut>,
    pub notice: Option<Notice>,
    pub body: Markup,
}

impl Page {
    /// A page of `surface` at `path` (which marks the current nav link).
    pub fn new(surface: Surface, path: &str, title: &str, body: Markup) -> Page {
        Page {
            title: title.to_owned(),
            heading: None,
            surface,
            nav: surface.nav(path),
            breadcrumbs: Vec::new(),
            signed_in_as: None,
            sign_out: None,
            notice: None,
            body,
        }
    }

    /// A page that only says something: "Page not found", "That link has expired".
    /// Answer it with `Html::not_found(page.render())` or `Html::error(status, ..)`.
    pub fn message(surface: Surface, path: &str, title: &str, text: &str) -> Page {
        Page::new(surface, path, title, html! { p { (text) } })
    }

    pub fn heading(self, heading: &str) -> Page {
        Page {
            heading: Some(heading.to_owned()),
            ..self
        }
    }

    pub fn breadcrumbs(self, trail: &[(&str, &str)]) -> Page {
        Page {
            breadcrumbs: trail
                .iter()
                .map(|(h, l)| ((*h).to_owned(), (*l).to_owned()))
                .collect(),
            ..self
        }
    }

    pub fn signed_in(self, who: &str, sign_out: Option<SignOut>) -> Page {
        Page {
            signed_in_as: Some(who.to_owned()),
            sign_out,
            ..self
        }
    }

    pub fn notice(self, notice: Notice) -> Page {
        Page {
            notice: Some(notice),
            ..self
        }
    }

    /// The page as a 200 reply; `Cache-Control: no-store` when it shows a signed-in user.
    pub fn into_html(self) -> Html {
        let private = self.signed_in_as.is_some();
        let reply = Html::page(self.render());
        if private {
            reply.no_store()
        } else {
            reply
        }
    }

    pub fn render(&self) -> Markup {
        let heading = self.heading.as_deref().unwrap_or(&self.title);
        html! {
            (DOCTYPE)
            html lang="en-AU" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    @if !self.surface.indexable() {
                        meta name="robots" content="noindex, nofollow";
                    }
                    title { (self.title) " — RTOpacks" }
                    link rel="stylesheet" href=(stylesheet_path());
                    // No favicon request on every page.
                    link rel="icon" href="data:,";
                }
                body {
                    a.skip href="#main" { "Skip to main content" }
                    header.site-header {
                        div.bar {
                            a.brand href="/" { (self.surface.brand()) }
                            @if !self.nav.is_empty() {
                                nav aria-label="Main" {
                                    ul {
                                        @for link in &self.nav {
                                            li {
                                                a href=(link.href)
                                                    aria-current=[link.current.then_some("page")] {
                                                    (link.label)
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                            @if let Some(who) = &self.signed_in_as {
                                div.account {
                                    span { "Signed in as " strong { (who) } }
                                    @if let Some(sign_out) = &self.sign_out {
                                        form method="post" action=(sign_out.action) {
                                            (csrf_field(&sign_out.csrf_token))
                                            button.button type="submit" { "Sign out" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    main #main tabindex="-1" {
                        @if !self.breadcrumbs.is_empty() {
                            @let trail: Vec<(&str, &str)> = self
                                .breadcrumbs
                                .iter()
                                .map(|(h, l)| (h.as_str(), l.as_str()))
                                .collect();
                            (breadcrumbs(&trail, heading))
                        }
                        h1 { (heading) }
                        @if let Some(notice) = &self.notice {
                            (render_notice(notice))
                        }
                        (self.body)
                    }
                    footer.site-footer {
                        p { "RTOpacks · Australian VET data from training.gov.au and CRICOS" }
                    }
                }
            }
        }
    }
}

fn render_notice(notice: &Notice) -> Markup {
    let (class, role) = match notice.kind {
        NoticeKind::Info => ("notice", "status"),
        NoticeKind::Success => ("notice notice-success", "status"),
        NoticeKind::Error => ("notice notice-error", "alert"),
    };
    html! { div class=(class) role=(role) { p { (notice.text) } } }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::hostile;

    fn page() -> Page {
        Page::new(
            Surface::Workspace,
            "/documents/abc",
            "Documents",
            html! { h2 { "Your files" } },
        )
    }

    #[test]
    fn renders_a_whole_document() {
        let html = page().render().into_string();
        assert!(
            html.starts_with("<!DOCTYPE html><html lang=\"en-AU\"><head><meta charset=\"utf-8\">")
        );
        assert!(html
            .contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
        assert!(html.contains("<title>Documents — RTOpacks</title>"));
        assert!(html.contains(&format!(
            "<link rel=\"stylesheet\" href=\"{}\">",
            stylesheet_path()
        )));
        assert!(html.contains("<a class=\"skip\" href=\"#main\">Skip to main content</a>"));
        assert!(html.contains("<a class=\"brand\" href=\"/\">RTOpacks Workspace</a>"));
        assert!(html.contains("<nav aria-label=\"Main\">"));
        assert!(html.contains("<a href=\"/documents\" aria-current=\"page\">Documents</a>"));
        assert!(html.contains("<a href=\"/\">Overview</a>"));
        assert_eq!(html.matches("aria-current").count(), 1);
        assert!(html.contains(
            "<main id=\"main\" tabindex=\"-1\"><h1>Documents</h1><h2>Your files</h2></main>"
        ));
        assert_eq!(html.matches("<h1").count(), 1);
        assert!(html.contains("<footer class=\"site-footer\">"));
        assert!(!html.contains("Signed in as"));
        assert!(!html.contains("<script"));
        assert!(html.contains("<meta name=\"robots\" content=\"noindex, nofollow\">"));
        let site = Page::new(Surface::Site, "/", "Home", html! {})
            .render()
            .into_string();
        assert!(!site.contains("robots"));
    }

    #[test]
    fn message_pages() {
        let p = Page::message(
            Surface::Site,
            "/nope",
            "Page not found",
            "Check the address.",
        );
        let reply = Html::not_found(p.render());
        assert_eq!(reply.status, 404);
        assert!(reply
            .body
            .contains("<h1>Page not found</h1><p>Check the address.</p></main>"));
        assert_eq!(reply.header("X-Frame-Options"), Some("DENY"));
    }

    #[test]
    fn nav_marks_only_the_current_section() {
        let links = Surface::Site.nav("/");
        assert_eq!(links.iter().filter(|l| l.current).count(), 1);
        assert!(links[0].current);
        let links = Surface::Site.nav("/searching");
        assert!(links.iter().all(|l| !l.current));
        let links = Surface::Admin.nav("/access/123");
        assert_eq!(
            links
                .iter()
                .filter(|l| l.current)
                .map(|l| l.label.as_str())
                .collect::<Vec<_>>(),
            ["Access"]
        );
        let html = Page::new(Surface::Prelaunch, "/", "Join", html! {})
            .render()
            .into_string();
        assert!(!html.contains("<nav"), "prelaunch has no nav");
    }

    #[test]
    fn signed_in_pages_show_a_post_sign_out_and_are_not_stored() {
        let p = page().signed_in(
            "kim@rto.edu.au",
            Some(SignOut {
                action: "/sign-out".into(),
                csrf_token: "tok".into(),
            }),
        );
        let reply = p.into_html();
        assert_eq!(reply.header("Cache-Control"), Some("no-store"));
        assert!(reply
            .body
            .contains("Signed in as <strong>kim@rto.edu.au</strong>"));
        assert!(reply.body.contains(
            "<form method=\"post\" action=\"/sign-out\"><input type=\"hidden\" name=\"csrf\" value=\"tok\">\
             <button class=\"button\" type=\"submit\">Sign out</button></form>"
        ));
        let anonymous = page().into_html();
        assert_eq!(anonymous.header("Cache-Control"), None);
        assert_eq!(anonymous.status, 200);
    }

    #[test]
    fn headings_breadcrumbs_and_notices() {
        let html = page()
            .heading("BSB50120 Diploma of Business")
            .breadcrumbs(&[("/", "Home"), ("/search", "Search")])
            .notice(Notice::error("That link has expired."))
            .render()
            .into_string();
        assert!(html.contains("<title>Documents — RTOpacks</title>"));
        assert!(html.contains(
            "<nav class=\"breadcrumbs\" aria-label=\"Breadcrumb\"><ol><li><a href=\"/\">Home</a></li>\
             <li><a href=\"/search\">Search</a></li><li aria-current=\"page\">BSB50120 Diploma of Business</li></ol></nav>\
             <h1>BSB50120 Diploma of Business</h1>\
             <div class=\"notice notice-error\" role=\"alert\"><p>That link has expired.</p></div>"
        ));
        let ok = page()
            .notice(Notice::success("Saved."))
            .render()
            .into_string();
        assert!(
            ok.contains("<div class=\"notice notice-success\" role=\"status\"><p>Saved.</p></div>")
        );
        let info = page()
            .notice(Notice::info("Heads up."))
            .render()
            .into_string();
        assert!(info.contains("<div class=\"notice\" role=\"status\">"));
    }

    #[test]
    fn hostile_values_stay_text() {
        for h in hostile::INPUTS {
            let mut p = Page::new(Surface::Site, h, h, html! { (h) })
                .heading(h)
                .breadcrumbs(&[(h, h)])
                .notice(Notice::info(h))
                .signed_in(
                    h,
                    Some(SignOut {
                        action: h.into(),
                        csrf_token: h.into(),
                    }),
                );
            p.nav.push(NavLink::new(h, h, h));
            hostile::assert_inert(&p.render().into_string(), h);
        }
    }
}
