//! Labelled form fields and the error summary that links to them.
//!
//! Every field has an `id`, a `<label for>`, an optional hint and an optional error,
//! both tied to the control with `aria-describedby`; a field in error also carries
//! `aria-invalid="true"`. The hint is `{id}-hint`, the error `{id}-error`.

use maud::{html, Markup};

/// Plain-words problems with a submitted form, keyed by field id (which is the field's
/// name unless [`Field::id`] changed it). The first message per field is kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormErrors {
    items: Vec<(String, String)>,
}

impl FormErrors {
    pub fn new() -> FormErrors {
        FormErrors::default()
    }

    /// Record a problem: `errors.add("email", "Enter an email address, like name@rto.edu.au")`.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        if self.get(field).is_none() {
            self.items.push((field.to_owned(), message.into()));
        }
    }

    /// An optional one-line text field (a name, an organisation): trimmed, at most
    /// `max_chars`, no line breaks or other control characters; a problem is recorded
    /// against `field` in plain words naming `what`. `None` when left blank.
    pub fn one_line(
        &mut self,
        field: &str,
        what: &str,
        value: &str,
        max_chars: usize,
    ) -> Option<String> {
        let v = value.trim();
        if v.chars().count() > max_chars {
            self.add(
                field,
                format!("{what} is too long. Use {max_chars} characters or fewer."),
            );
        } else if v.chars().any(char::is_control) {
            self.add(
                field,
                format!("{what} can't contain line breaks or other control characters."),
            );
        }
        (!v.is_empty()).then(|| v.to_owned())
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// `(field id, message)` in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.items.iter().map(|(f, m)| (f.as_str(), m.as_str()))
    }

    /// The box at the top of a form shown again with errors: `role="alert"` so screen
    /// readers announce it, `autofocus` so keyboard users start there (no script
    /// needed), a heading, and a link to each field. Empty when no errors.
    pub fn summary(&self) -> Markup {
        if self.is_empty() {
            return html! {};
        }
        html! {
            div.error-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus {
                h2 #error-summary-title { "There is a problem" }
                ul {
                    @for (field, message) in self.iter() {
                        li { a href={ "#" (field) } { (message) } }
                    }
                }
            }
        }
    }
}

/// One labelled field. Build with [`Field::new`] and the setters, render with one of
/// [`Field::text`], [`Field::email`], [`Field::search`], [`Field::textarea`],
/// [`Field::select`], [`Field::checkbox`], [`Field::file`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub label: &'a str,
    pub value: &'a str,
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    pub required: bool,
    pub autocomplete: Option<&'a str>,
    pub maxlength: Option<u32>,
}

impl<'a> Field<'a> {
    /// A field named (and with the id) `name`.
    pub fn new(name: &'a str, label: &'a str) -> Field<'a> {
        Field {
            id: name,
            name,
            label,
            value: "",
            hint: None,
            error: None,
            required: false,
            autocomplete: None,
            maxlength: None,
        }
    }

    pub fn id(self, id: &'a str) -> Self {
        Field { id, ..self }
    }
    /// The current value (what the visitor typed, shown again after an error).
    pub fn value(self, value: &'a str) -> Self {
        Field { value, ..self }
    }
    pub fn hint(self, hint: &'a str) -> Self {
        Field {
            hint: Some(hint),
            ..self
        }
    }
    /// Usually `errors.get(id)`.
    pub fn error(self, error: Option<&'a str>) -> Self {
        Field { error, ..self }
    }
    /// Shorthand for `.error(errors.get(self.id))`.
    pub fn errors(self, errors: &'a FormErrors) -> Self {
        Field {
            error: errors.get(self.id),
            ..self
        }
    }
    pub fn required(self) -> Self {
        Field {
            required: true,
            ..self
        }
    }
    pub fn autocomplete(self, token: &'a str) -> Self {
        Field {
            autocomplete: Some(token),
            ..self
        }
    }
    pub fn maxlength(self, n: u32) -> Self {
        Field {
            maxlength: Some(n),
            ..self
        }
    }

    pub fn text(&self) -> Markup {
        self.input("text")
    }
    pub fn email(&self) -> Markup {
        self.input("email")
    }
    pub fn search(&self) -> Markup {
        self.input("search")
    }

    pub fn textarea(&self) -> Markup {
        self.wrap(html! {
            textarea id=(self.id) name=(self.name) rows="5"
                aria-describedby=[self.described_by()] aria-invalid=[self.invalid()]
                required[self.required] maxlength=[self.maxlength]
                autocomplete=[self.autocomplete] { (self.value) }
        })
    }

    /// A `<select>`; `options` are `(value, label)`, the one equal to the field's value
    /// is selected. Put a `("", "Any")` first for an optional filter.
    pub fn select(&self, options: &[(&str, &str)]) -> Markup {
        self.wrap(html! {
            select id=(self.id) name=(self.name)
                aria-describedby=[self.described_by()] aria-invalid=[self.invalid()]
                required[self.required] autocomplete=[self.autocomplete] {
                @for (value, label) in options {
                    option value=(value) selected[*value == self.value] { (label) }
                }
            }
        })
    }

    /// A checkbox submitting the field's value (`1` when none was set), label after it.
    pub fn checkbox(&self, checked: bool) -> Markup {
        let value = if self.value.is_empty() {
            "1"
        } else {
            self.value
        };
        html! {
            div.field.field-error[self.error.is_some()] {
                (self.hint_and_error())
                div.checkbox {
                    input type="checkbox" id=(self.id) name=(self.name) value=(value)
                        checked[checked] required[self.required]
                        aria-describedby=[self.described_by()] aria-invalid=[self.invalid()];
                    label for=(self.id) { (self.label) }
                }
            }
        }
    }

    /// A file picker; `accept` lists the allowed types (`.pdf,.docx` or MIME types). The
    /// server checks type and size again: `accept` only helps the picker.
    pub fn file(&self, accept: &str) -> Markup {
        self.wrap(html! {
            input type="file" id=(self.id) name=(self.name) accept=(accept)
                required[self.required]
                aria-describedby=[self.described_by()] aria-invalid=[self.invalid()];
        })
    }

    fn input(&self, kind: &str) -> Markup {
        self.wrap(html! {
            input type=(kind) id=(self.id) name=(self.name) value=(self.value)
                required[self.required] maxlength=[self.maxlength]
                autocomplete=[self.autocomplete]
                aria-describedby=[self.described_by()] aria-invalid=[self.invalid()];
        })
    }

    fn wrap(&self, control: Markup) -> Markup {
        html! {
            div.field.field-error[self.error.is_some()] {
                label for=(self.id) { (self.label) }
                (self.hint_and_error())
                (control)
            }
        }
    }

    fn hint_and_error(&self) -> Markup {
        html! {
            @if let Some(hint) = self.hint {
                span.hint id={ (self.id) "-hint" } { (hint) }
            }
            @if let Some(error) = self.error {
                span.error-text id={ (self.id) "-error" } {
                    span.visually-hidden { "Error: " } (error)
                }
            }
        }
    }

    fn described_by(&self) -> Option<String> {
        let ids: Vec<String> = [
            self.hint.map(|_| format!("{}-hint", self.id)),
            self.error.map(|_| format!("{}-error", self.id)),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }

    fn invalid(&self) -> Option<&'static str> {
        self.error.map(|_| "true")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::hostile;

    #[test]
    fn one_line_fields_are_trimmed_bounded_and_single_line() {
        let mut e = FormErrors::new();
        assert_eq!(
            e.one_line("name", "Your name", "  Ada  ", 5),
            Some("Ada".into())
        );
        assert_eq!(e.one_line("org", "The organisation", "   ", 5), None);
        assert!(e.is_empty());
        e.one_line("name", "Your name", "Adalovelace", 5);
        e.one_line("org", "The organisation", "A\nB", 5);
        assert_eq!(
            e.get("name"),
            Some("Your name is too long. Use 5 characters or fewer.")
        );
        assert!(e.get("org").unwrap().contains("line breaks"));
    }

    #[test]
    fn a_plain_field_is_labelled() {
        let html = Field::new("email", "Email address")
            .required()
            .autocomplete("email")
            .email()
            .into_string();
        assert_eq!(
            html,
            "<div class=\"field\"><label for=\"email\">Email address</label>\
             <input type=\"email\" id=\"email\" name=\"email\" value=\"\" required \
             autocomplete=\"email\"></div>"
        );
    }

    #[test]
    fn hints_and_errors_are_described() {
        let mut errors = FormErrors::new();
        errors.add("email", "Enter an email address, like name@rto.edu.au");
        errors.add("email", "a second message is ignored");
        let html = Field::new("email", "Email address")
            .hint("We send a sign-in link to it.")
            .value("not-an-address")
            .errors(&errors)
            .email()
            .into_string();
        assert!(html.contains("class=\"field field-error\""), "{html}");
        assert!(html.contains(
            "<span class=\"hint\" id=\"email-hint\">We send a sign-in link to it.</span>"
        ));
        assert!(html.contains("id=\"email-error\"><span class=\"visually-hidden\">Error: </span>Enter an email address, like name@rto.edu.au</span>"));
        assert!(html.contains("aria-describedby=\"email-hint email-error\""));
        assert!(html.contains("aria-invalid=\"true\""));
        assert!(html.contains("value=\"not-an-address\""));

        let only_hint = Field::new("q", "Search")
            .hint("Codes or words")
            .search()
            .into_string();
        assert!(only_hint.contains("aria-describedby=\"q-hint\""));
        assert!(!only_hint.contains("aria-invalid"));
    }

    #[test]
    fn the_summary_links_to_fields() {
        let mut errors = FormErrors::new();
        assert_eq!(errors.summary().into_string(), "");
        errors.add("email", "Enter an email address");
        errors.add("label", "Enter a label");
        let html = errors.summary().into_string();
        assert!(html.starts_with("<div class=\"error-summary\" role=\"alert\""));
        assert!(html.contains("<h2 id=\"error-summary-title\">There is a problem</h2>"));
        assert!(html.contains("<li><a href=\"#email\">Enter an email address</a></li><li><a href=\"#label\">Enter a label</a></li>"));
        assert_eq!(errors.len(), 2);
    }

    #[test]
    fn selects_checkboxes_textareas_files() {
        let s = Field::new("type", "Type")
            .value("unit")
            .select(&[
                ("", "Any type"),
                ("qualification", "Qualifications"),
                ("unit", "Units"),
            ])
            .into_string();
        assert!(s.contains("<option value=\"\">Any type</option>"));
        assert!(s.contains("<option value=\"unit\" selected>Units</option>"));
        assert!(!s.contains("value=\"qualification\" selected"));

        let c = Field::new("active", "Active").checkbox(true).into_string();
        assert!(c.contains(
            "<input type=\"checkbox\" id=\"active\" name=\"active\" value=\"1\" checked>"
        ));
        assert!(c.contains("<label for=\"active\">Active</label>"));
        assert!(!Field::new("a", "A")
            .checkbox(false)
            .into_string()
            .contains("checked"));

        let t = Field::new("note", "Note")
            .value("line one\nline two")
            .textarea()
            .into_string();
        assert!(t.contains(">line one\nline two</textarea>"));

        let f = Field::new("document", "Document")
            .error(Some("Choose a file"))
            .file(".pdf,.docx")
            .into_string();
        assert!(f.contains("type=\"file\" id=\"document\" name=\"document\" accept=\".pdf,.docx\""));
        assert!(f.contains("aria-describedby=\"document-error\" aria-invalid=\"true\""));
    }

    #[test]
    fn hostile_values_stay_text() {
        for h in hostile::INPUTS {
            let mut errors = FormErrors::new();
            errors.add(h, h);
            let f = Field::new(h, h)
                .value(h)
                .hint(h)
                .errors(&errors)
                .maxlength(50);
            let all = [
                f.text(),
                f.email(),
                f.search(),
                f.textarea(),
                f.select(&[(h, h)]),
                f.checkbox(true),
                f.file(h),
                errors.summary(),
            ];
            for m in all {
                hostile::assert_inert(&m.into_string(), h);
            }
        }
        let html = Field::new("q", "Search")
            .value("\"><img src=x onerror=alert(1)>")
            .search()
            .into_string();
        assert!(html.contains("value=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\""));
        let html = Field::new("q", "<script>alert(1)</script>")
            .text()
            .into_string();
        assert!(html.contains(">&lt;script&gt;alert(1)&lt;/script&gt;</label>"));
    }
}
