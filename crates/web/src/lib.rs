//! Server-rendered HTML for the four browser surfaces (site, workspace, admin,
//! prelaunch): one layout, one stylesheet, form components, CSRF, cookies, redirects and
//! security headers.
//!
//! Pure Rust with no `worker` dependency: it builds natively for `cargo test` and for
//! `wasm32-unknown-unknown`. A worker turns an [`Html`] into its runtime's response.
//! Crates that write their own markup depend on `maud` directly (`maud.workspace =
//! true`): its `html!` macro expands to `::maud::` paths, so a re-export would not do.
//!
//! | Module | What |
//! |---|---|
//! | [`response`] | [`Html`] (status, headers, body) and the security headers every page carries |
//! | [`layout`] | [`Page`]: the one page shell ([`Surface`] brand and nav, skip link, landmarks, one `h1`, notices, POST sign-out) |
//! | [`assets`] | the stylesheet at a content-hashed path; [`assets::asset`] first on every GET |
//! | [`components`] | labelled fields, error summary, forms with the CSRF field, tables, pager, badges, breadcrumbs |
//! | [`csrf`] | signed, expiring, per-visitor per-action tokens; the origin check |
//! | [`redirect`] | local paths only (`next=`), never off-site |
//! | [`cookie`] | reading `Cookie`, building `__Host-` cookies |
//! | [`form`] | bounded form-body decoding; query strings read and re-encoded |
//! | [`text`] | timestamps, counts, sizes and plurals for people |
//!
//! # Rules
//!
//! * **Escape everything.** Markup is built with maud's `html!`, which escapes every
//!   interpolated string (`<`, `>`, `&`, `"`). Caller data is never wrapped in
//!   `PreEscaped`; components take text as `&str` and nested markup only as `Markup`
//!   that was itself built with `html!`. Web addresses from data go through
//!   [`components::external_link`] (http(s) or nothing). Tests feed hostile strings
//!   through every component.
//! * **No JavaScript.** The CSP (`default-src 'none'`) allows none; every page works
//!   with plain links and forms. Styles come only from the one hashed stylesheet.
//! * **Headers on every page**: [`response::security_headers`] (CSP, `nosniff`,
//!   `Referrer-Policy`, `X-Frame-Options: DENY`, `Content-Type`). Pages that show a
//!   signed-in user add `Cache-Control: no-store` ([`Page::into_html`] does it);
//!   magic-link landing pages use [`Html::no_referrer`] so the token in their URL never
//!   leaks.
//! * **Every POST is checked twice**: [`csrf::check_origin`] on `Sec-Fetch-Site` /
//!   `Origin`, then [`csrf::CsrfKey::verify`] on the form's `csrf` field, bound to the
//!   visitor (session id, else the `__Host-rtp_csrf` cookie) and to the form's action.
//!   POST forms are built with [`components::post_form`], which always includes the
//!   field. A successful POST answers [`Html::redirect_see_other`], whose target is
//!   forced to a local path.
//! * **Errors in plain words**, next to their fields and summarised at the top
//!   ([`components::FormErrors`]); every error type's `Display` here is a sentence a
//!   visitor can act on.
//! * **Accessible by construction**: `lang="en-AU"`, skip link, `header`/`nav`/`main`/
//!   `footer` landmarks, one `h1` per page (the layout's; bodies start at `h2`), a label
//!   for every field, hints and errors tied with `aria-describedby`, visible
//!   `:focus-visible` outlines, AA contrast (tested).

pub mod assets;
pub mod components;
pub mod cookie;
pub mod csrf;
pub mod form;
pub mod layout;
pub mod redirect;
pub mod response;
pub mod text;
pub mod waitlist;

pub use layout::{NavLink, Notice, NoticeKind, Page, SignOut, Surface};
pub use maud::Markup;
pub use response::Html;
