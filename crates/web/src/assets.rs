//! The one stylesheet, served from a content-hashed path so it can be cached forever:
//! a changed stylesheet gets a new name, and every page links the current one.

use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use crate::response::Html;

/// The stylesheet's text (`crates/web/assets/app.css`).
pub const STYLESHEET: &str = include_str!("../assets/app.css");

/// Where assets live; every path under it is answered by [`asset`].
pub const PREFIX: &str = "/assets/";

/// `/assets/app.<first 10 hex of sha256>.css`, computed once per isolate.
pub fn stylesheet_path() -> &'static str {
    static PATH: OnceLock<String> = OnceLock::new();
    PATH.get_or_init(|| {
        let digest = Sha256::digest(STYLESHEET.as_bytes());
        let hex: String = digest[..5].iter().map(|b| format!("{b:02x}")).collect();
        format!("{PREFIX}app.{hex}.css")
    })
}

/// The stylesheet reply: `text/css`, cached for a year and immutable.
pub fn stylesheet() -> Html {
    Html {
        status: 200,
        headers: vec![
            ("Content-Type".into(), "text/css; charset=utf-8".into()),
            (
                "Cache-Control".into(),
                "public, max-age=31536000, immutable".into(),
            ),
            ("X-Content-Type-Options".into(), "nosniff".into()),
        ],
        body: STYLESHEET.to_owned(),
    }
}

/// Workers call this first on every GET: `Some` for any path under [`PREFIX`] (the
/// stylesheet, or a plain 404 for anything else there, such as a previous release's
/// hash), `None` for every other path.
pub fn asset(path: &str) -> Option<Html> {
    if path == stylesheet_path() {
        return Some(stylesheet());
    }
    path.starts_with(PREFIX).then(|| Html {
        status: 404,
        headers: vec![
            ("Content-Type".into(), "text/plain; charset=utf-8".into()),
            ("Cache-Control".into(), "no-store".into()),
            ("X-Content-Type-Options".into(), "nosniff".into()),
        ],
        body: "Not found.".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_is_content_hashed() {
        let p = stylesheet_path();
        let hex = p
            .strip_prefix("/assets/app.")
            .and_then(|s| s.strip_suffix(".css"))
            .unwrap();
        assert_eq!(hex.len(), 10);
        assert!(hex
            .bytes()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        let full = rtopacks_domain::keys::sha256_hex(STYLESHEET.as_bytes());
        assert!(full.starts_with(hex));
    }

    #[test]
    fn serves_the_stylesheet_and_nothing_else() {
        let r = asset(stylesheet_path()).unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some("text/css; charset=utf-8"));
        assert_eq!(
            r.header("cache-control"),
            Some("public, max-age=31536000, immutable")
        );
        assert_eq!(r.body, STYLESHEET);
        let old = asset("/assets/app.0000000000.css").unwrap();
        assert_eq!(old.status, 404);
        assert_eq!(old.header("cache-control"), Some("no-store"));
        assert!(asset("/").is_none());
        assert!(asset("/assets").is_none());
        assert!(asset("/search").is_none());
    }

    #[test]
    fn the_stylesheet_stays_small_and_styles_every_badge() {
        assert!(STYLESHEET.len() < 8 * 1024, "{} bytes", STYLESHEET.len());
        assert!(STYLESHEET.contains(":focus-visible"));
        assert!(STYLESHEET.contains(".dim"));
        for status in crate::components::BADGE_STATUSES {
            assert!(STYLESHEET.contains(&format!(".badge-{status}")), "{status}");
        }
        // No @import or url(): the CSP allows nothing beyond this one file.
        assert!(!STYLESHEET.contains("@import") && !STYLESHEET.contains("url("));
    }

    fn colour(name: &str) -> [f64; 3] {
        let decl = format!("--{name}: #");
        let at = STYLESHEET.find(&decl).unwrap_or_else(|| panic!("--{name}")) + decl.len();
        let hex = &STYLESHEET[at..at + 6];
        let c = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
        [c(0), c(2), c(4)]
    }

    fn luminance([r, g, b]: [f64; 3]) -> f64 {
        let lin = |c: f64| {
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    }

    fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    /// WCAG AA (4.5:1) for every text colour on both backgrounds it is used on.
    #[test]
    fn palette_meets_aa_contrast() {
        let white = [1.0, 1.0, 1.0];
        for fg in ["ink", "muted", "link", "brand", "ok", "warn", "bad", "info"] {
            for bg in ["bg", "panel"] {
                let ratio = contrast(colour(fg), colour(bg));
                assert!(ratio >= 4.5, "--{fg} on --{bg}: {ratio:.2}");
            }
        }
        let header = contrast(white, colour("brand"));
        assert!(header >= 4.5, "white on --brand: {header:.2}");
        let skip = contrast(colour("ink"), colour("focus"));
        assert!(skip >= 4.5, "--ink on --focus: {skip:.2}");
    }
}
