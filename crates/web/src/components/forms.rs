//! Form shells and buttons. Every POST form carries the CSRF field; there is no way to
//! build one here without it.

use maud::{html, Markup};

use crate::csrf;

/// How a button looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ButtonKind {
    Primary,
    Secondary,
    /// Deleting, deactivating, revoking.
    Danger,
}

/// The hidden `csrf` field.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name=(csrf::FIELD) value=(token); }
}

/// A primary submit button.
pub fn submit(label: &str) -> Markup {
    submit_kind(label, ButtonKind::Primary)
}

pub fn submit_kind(label: &str, kind: ButtonKind) -> Markup {
    let class = match kind {
        ButtonKind::Primary => "button",
        ButtonKind::Secondary => "button button-secondary",
        ButtonKind::Danger => "button button-danger",
    };
    html! { button type="submit" class=(class) { (label) } }
}

/// `<form method="post">` to `action` with the CSRF field first. `novalidate`: the
/// server's plain-words errors are the one source of truth, shown the same way in every
/// browser.
pub fn post_form(action: &str, csrf_token: &str, content: Markup) -> Markup {
    html! {
        form method="post" action=(action) novalidate {
            (csrf_field(csrf_token))
            (content)
        }
    }
}

/// [`post_form`] for file uploads (`multipart/form-data`).
pub fn upload_form(action: &str, csrf_token: &str, content: Markup) -> Markup {
    html! {
        form method="post" action=(action) enctype="multipart/form-data" novalidate {
            (csrf_field(csrf_token))
            (content)
        }
    }
}

/// A GET form (search and filters): no token, nothing changes on the server.
pub fn get_form(action: &str, content: Markup) -> Markup {
    html! {
        form method="get" action=(action) role="search" {
            (content)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::hostile;

    #[test]
    fn post_forms_carry_the_token() {
        let html = post_form("/auth", "tok-1", submit("Send me a link")).into_string();
        assert_eq!(
            html,
            "<form method=\"post\" action=\"/auth\" novalidate>\
             <input type=\"hidden\" name=\"csrf\" value=\"tok-1\">\
             <button type=\"submit\" class=\"button\">Send me a link</button></form>"
        );
        let up = upload_form("/documents", "t", html! {}).into_string();
        assert!(up.contains("enctype=\"multipart/form-data\""));
        assert!(up.contains("name=\"csrf\" value=\"t\""));
        let get = get_form("/search", html! {}).into_string();
        assert_eq!(
            get,
            "<form method=\"get\" action=\"/search\" role=\"search\"></form>"
        );
    }

    #[test]
    fn button_kinds() {
        assert!(submit_kind("Delete", ButtonKind::Danger)
            .into_string()
            .contains("class=\"button button-danger\""));
        assert!(submit_kind("Cancel", ButtonKind::Secondary)
            .into_string()
            .contains("class=\"button button-secondary\""));
    }

    #[test]
    fn hostile_values_stay_text() {
        for h in hostile::INPUTS {
            for m in [
                post_form(h, h, submit(h)),
                upload_form(h, h, html! {}),
                get_form(h, html! {}),
            ] {
                hostile::assert_inert(&m.into_string(), h);
            }
        }
    }
}
