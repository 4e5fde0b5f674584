//! `/search?q=&type=&status=&package=&aqf=&state=&on_scope_of=&cursor=`: ranked results
//! with filters (a GET form, every field labelled) and seek paging ("Next page").
//!
//! The form is checked here first, with the catalogue's own parsers, so a bad value is an
//! error next to its field in plain words (400), never a 500. What only the catalogue can
//! judge (filters that do not fit together, a page link from another search) comes back
//! as internal-api's 400 detail, shown in the same words the visitor used.
//!
//! Anonymous answers are cached in `SEARCH_CACHE` under a hash of the search's canonical
//! form (the text as the catalogue compares it, then every filter in a fixed order), so
//! the same search typed differently (`BSB50420`, ` bsb50420 `) is one entry.

use maud::{html, Markup};
use rtopacks_catalogue::{
    parse_cursor, parse_query, AqfLevel, Hit, Kind, NationalCode, RtoCode, SearchResults, State,
    Status,
};
use rtopacks_web::components::{empty_state, get_form, pager, submit, Field, FormErrors};
use rtopacks_web::form::Query;
use rtopacks_web::Html;

use crate::cache::search_key;
use crate::ctx::Ctx;
use crate::routes::kind_path;
use crate::view::{self, kind_label, page};

/// Results per page.
pub const PER_PAGE: u32 = 20;
/// The form's fields (and its page link) as they appear in the query string.
const FIELDS: [&str; 8] = [
    "q",
    "type",
    "status",
    "package",
    "aqf",
    "state",
    "on_scope_of",
    "cursor",
];
pub const PATH: &str = "/search";

/// The form's fields as the visitor sent them (trimmed; blank is absent).
#[derive(Debug, Clone, Default)]
pub struct SearchForm {
    /// The form was submitted (any of its fields is in the query, even blank).
    pub asked: bool,
    pub q: String,
    pub kind: String,
    pub status: String,
    pub package: String,
    pub aqf: String,
    pub state: String,
    pub on_scope_of: String,
    pub cursor: String,
}

/// A search that passed the form's checks.
#[derive(Debug, Clone)]
pub struct Search {
    /// The text, white space collapsed (what the catalogue compares titles with).
    q: String,
    kind: Option<Kind>,
    status: Option<Status>,
    package: Option<NationalCode>,
    aqf: Option<AqfLevel>,
    state: Option<State>,
    on_scope_of: Option<RtoCode>,
    cursor: Option<String>,
}

impl SearchForm {
    pub fn from_query(q: &Query) -> SearchForm {
        let get = |k: &str| q.get(k).unwrap_or_default().to_owned();
        SearchForm {
            asked: q.pairs().iter().any(|(k, _)| FIELDS.contains(&k.as_str())),
            q: get("q"),
            kind: get("type"),
            status: get("status"),
            package: get("package"),
            aqf: get("aqf"),
            state: get("state"),
            on_scope_of: get("on_scope_of"),
            cursor: get("cursor"),
        }
    }

    /// `Ok(None)`: nothing asked yet (the bare form). Errors are keyed by field id.
    pub fn check(&self) -> Result<Option<Search>, FormErrors> {
        if !self.asked {
            return Ok(None);
        }
        let mut errors = FormErrors::new();
        let q = if self.q.is_empty() {
            errors.add("q", "Enter words, a name or a code to search for.");
            String::new()
        } else {
            match parse_query(&self.q) {
                Ok(t) => t.exact,
                Err(e) => {
                    errors.add("q", e.detail());
                    String::new()
                }
            }
        };
        fn opt<T>(
            errors: &mut FormErrors,
            field: &str,
            value: &str,
            message: &str,
            parse: impl FnOnce(&str) -> Option<T>,
        ) -> Option<T> {
            if value.is_empty() {
                return None;
            }
            let parsed = parse(value);
            if parsed.is_none() {
                errors.add(field, message);
            }
            parsed
        }
        let kind = opt(
            &mut errors,
            "type",
            &self.kind,
            "Choose a type from the list: qualification, unit, skill set, accredited course, \
             training package or RTO.",
            |v| Kind::parse(v).ok(),
        );
        let status = opt(
            &mut errors,
            "status",
            &self.status,
            "Choose a status from the list: current, superseded, deleted or not current.",
            |v| Status::parse(v).ok(),
        );
        let package = opt(
            &mut errors,
            "package",
            &self.package,
            "Enter a training package code of letters and digits, like BSB or CHC.",
            |v| NationalCode::parse(v).ok(),
        );
        let aqf = opt(
            &mut errors,
            "aqf",
            &self.aqf,
            "Choose an AQF level from the list, like Certificate IV or Diploma.",
            |v| AqfLevel::parse(v).ok(),
        );
        let state = opt(
            &mut errors,
            "state",
            &self.state,
            "Choose a state or territory from the list.",
            |v| State::parse(v).ok(),
        );
        let on_scope_of = opt(
            &mut errors,
            "on_scope_of",
            &self.on_scope_of,
            "An RTO code is 1 to 8 digits, like 45329.",
            |v| RtoCode::parse(v).ok(),
        );
        let cursor = opt(
            &mut errors,
            "q",
            &self.cursor,
            "That page link has expired or was changed. Search again from the first page.",
            |v| parse_cursor(v).ok().map(|_| v.to_owned()),
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Some(Search {
            q,
            kind,
            status,
            package,
            aqf,
            state,
            on_scope_of,
            cursor,
        }))
    }
}

impl Search {
    /// The search as internal-api's `/catalogue/search` takes it.
    fn internal_path(&self) -> String {
        let per_page = PER_PAGE.to_string();
        let mut pairs: Vec<(&str, String)> = vec![("q", self.q.clone())];
        pairs.extend(self.kind.map(|k| ("kind", k.as_str().to_owned())));
        pairs.extend(self.status.map(|s| ("status", s.as_str().to_owned())));
        pairs.extend(self.package.as_ref().map(|p| ("package", p.to_string())));
        pairs.extend(self.aqf.map(|a| ("aqf_level", a.name().to_owned())));
        pairs.extend(self.state.map(|s| ("state", s.abbreviation().to_owned())));
        pairs.extend(
            self.on_scope_of
                .as_ref()
                .map(|r| ("on_scope_of", r.to_string())),
        );
        pairs.extend(self.cursor.clone().map(|c| ("cursor", c)));
        pairs.push(("per_page", per_page));
        format!("/catalogue/search?{}", Query::from_pairs(pairs).encode())
    }

    /// One line per parameter in a fixed order: the text lower-cased as the catalogue
    /// compares it (ASCII only, like SQLite's NOCASE), every filter canonical.
    pub fn canonical(&self) -> String {
        format!(
            "q={}\nkind={}\nstatus={}\npackage={}\naqf={}\nstate={}\non_scope_of={}\ncursor={}\nper_page={PER_PAGE}",
            self.q.to_ascii_lowercase(),
            self.kind.map(Kind::as_str).unwrap_or(""),
            self.status.map(Status::as_str).unwrap_or(""),
            self.package.as_ref().map(NationalCode::as_str).unwrap_or(""),
            self.aqf.map(AqfLevel::name).unwrap_or(""),
            self.state.map(State::abbreviation).unwrap_or(""),
            self.on_scope_of.as_ref().map(RtoCode::as_str).unwrap_or(""),
            self.cursor.as_deref().unwrap_or(""),
        )
    }
}

/// internal-api's parameter names, as the form calls them.
fn in_form_words(detail: &str) -> String {
    [
        ("The kind parameter", "The type"),
        ("The aqf_level parameter", "The AQF level"),
        ("The on_scope_of parameter", "The on-scope RTO code"),
        ("The package parameter", "The training package"),
        ("The status parameter", "The status"),
        ("The state parameter", "The state"),
        ("The q parameter", "The search text"),
        (
            "The cursor parameter is not a cursor this API gave out: pass the next_cursor of \
             the previous page exactly as given, or leave it out for the first page.",
            "That page link doesn't belong to this search. Search again from the first page.",
        ),
    ]
    .iter()
    .fold(detail.to_owned(), |d, (from, to)| d.replace(from, to))
    .replace(
        "The cursor belongs to a different listing: use it only with the search or list \
         that returned it, or leave it out to start from the first page.",
        "That page link belongs to another search. Search again from the first page.",
    )
    .replace(
        "The cursor is not valid: use the next_cursor of the previous page exactly as given, \
         or leave it out to start from the first page.",
        "That page link has expired or was changed. Search again from the first page.",
    )
}

/// `GET /search`.
pub async fn show(ctx: &Ctx<'_>) -> Html {
    let form = SearchForm::from_query(&ctx.visit.query);
    let search = match form.check() {
        Ok(Some(s)) => s,
        Ok(None) => return results_page(&form, None, &FormErrors::new(), None).into_html(),
        Err(errors) => {
            return results_page(&form, None, &errors, None)
                .into_html()
                .with_status(400)
        }
    };
    let key = search_key(&search.canonical());
    let cacheable = ctx.anonymous();
    let mut cache_state = "miss";
    let cached = if cacheable {
        ctx.cache.get::<SearchResults>(&key).await
    } else {
        None
    };
    let results = match cached {
        Some(r) => {
            cache_state = "hit";
            r
        }
        None => match ctx
            .catalogue::<SearchResults>(&search.internal_path())
            .await
        {
            Ok(r) => {
                if cacheable {
                    ctx.cache.put(&key, &r).await;
                }
                r
            }
            Err(e) if matches!(e.status(), 400 | 404) => {
                let mut errors = FormErrors::new();
                let field = if e.status() == 404 {
                    "on_scope_of"
                } else {
                    "q"
                };
                errors.add(field, in_form_words(&e.public_detail()));
                return results_page(&form, None, &errors, None)
                    .into_html()
                    .with_status(400);
            }
            Err(e) => return view::catalogue_failed(PATH, &e),
        },
    };
    let next = results.next_cursor.clone();
    results_page(&form, Some(&results), &FormErrors::new(), next.as_deref())
        .into_html()
        .with_header("X-RTOpacks-Cache", cache_state)
}

const TYPES: [(&str, &str); 7] = [
    ("", "Any type"),
    ("qualification", "Qualification"),
    ("unit", "Unit of competency"),
    ("skill_set", "Skill set"),
    ("accredited_course", "Accredited course"),
    ("training_package", "Training package"),
    ("rto", "RTO"),
];

const STATUSES: [(&str, &str); 5] = [
    ("", "Any status"),
    ("current", "Current"),
    ("superseded", "Superseded"),
    ("deleted", "Deleted"),
    ("not_current", "Not current (RTOs)"),
];

/// The search box alone (the home page's).
pub fn search_box(q: &str) -> Markup {
    html! {
        (Field::new("q", "Search qualifications, units, skill sets and RTOs")
            .id("q")
            .value(q)
            .hint("Words, a name or a code, like \"diploma of leadership\", BSB50420 or 45329.")
            .maxlength(200)
            .search())
        (submit("Search"))
    }
}

fn filters(form: &SearchForm, errors: &FormErrors) -> Markup {
    let aqf: Vec<(&str, &str)> = std::iter::once(("", "Any level"))
        .chain(AqfLevel::ALL.iter().map(|a| (a.name(), a.name())))
        .collect();
    let states: Vec<(&str, &str)> = std::iter::once(("", "Any state or territory"))
        .chain(
            State::ALL
                .iter()
                .map(|s| (s.abbreviation(), s.abbreviation())),
        )
        .collect();
    // Show the canonical spelling of a value typed loosely (`cert iv`) so the select
    // keeps it selected.
    let kind_value = Kind::parse(&form.kind)
        .map(Kind::as_str)
        .unwrap_or(&form.kind);
    let status_value = Status::parse(&form.status)
        .map(Status::as_str)
        .unwrap_or(&form.status);
    let aqf_value = AqfLevel::parse(&form.aqf)
        .map(AqfLevel::name)
        .unwrap_or(&form.aqf);
    let state_value = State::parse(&form.state)
        .map(State::abbreviation)
        .unwrap_or(&form.state);
    html! {
        (Field::new("q", "Search for")
            .value(&form.q)
            .hint("Words, a name or a code, like \"diploma of leadership\", BSB50420 or 45329.")
            .maxlength(200)
            .errors(errors)
            .search())
        div.filters {
            (Field::new("type", "Type").value(kind_value).errors(errors).select(&TYPES))
            (Field::new("status", "Status").value(status_value).errors(errors).select(&STATUSES))
            (Field::new("aqf", "AQF level").value(aqf_value).errors(errors).select(&aqf))
            (Field::new("state", "State (RTOs)").value(state_value).errors(errors).select(&states))
            (Field::new("package", "Training package")
                .value(&form.package)
                .hint("A code, like BSB.")
                .maxlength(15)
                .errors(errors)
                .text())
            (Field::new("on_scope_of", "On the scope of RTO")
                .value(&form.on_scope_of)
                .hint("An RTO code, like 45329.")
                .maxlength(8)
                .errors(errors)
                .text())
        }
        (submit("Search"))
    }
}

fn hit(h: &Hit) -> Markup {
    let path = kind_path(h.kind, &h.code);
    html! {
        li {
            a href=(path) { strong { (h.code) } " " (h.title) }
            br;
            span { (kind_label(h.kind)) }
            " · " (view::status(h.status))
            @if let Some(level) = view::aqf(h.aqf_level) { " · " (level) }
            @if let Some(p) = &h.training_package { " · Training package " (p) }
            @if let Some(legal) = h.legal_name.as_deref().filter(|l| *l != h.title) { " · " (legal) }
            @if let Some(s) = view::state(h.state) { " · " (s) }
            @if let Some(by) = &h.superseded_by {
                " · Superseded by " a href=(kind_path(h.kind, by)) { (by) }
            }
        }
    }
}

fn results_page(
    form: &SearchForm,
    results: Option<&SearchResults>,
    errors: &FormErrors,
    next: Option<&str>,
) -> rtopacks_web::Page {
    let query = Query::from_pairs([
        ("q", form.q.as_str()),
        ("type", form.kind.as_str()),
        ("status", form.status.as_str()),
        ("package", form.package.as_str()),
        ("aqf", form.aqf.as_str()),
        ("state", form.state.as_str()),
        ("on_scope_of", form.on_scope_of.as_str()),
        ("cursor", form.cursor.as_str()),
    ]);
    let body = html! {
        (errors.summary())
        (get_form(PATH, filters(form, errors)))
        @if let Some(r) = results {
            h2 #results { "Results" }
            @if r.results.is_empty() {
                @if form.cursor.is_empty() {
                    (empty_state("Nothing matches. Try fewer or different words, or remove a filter."))
                } @else {
                    (empty_state("No more results."))
                }
            } @else {
                ol.results { @for h in &r.results { (hit(h)) } }
            }
            (pager(PATH, &query, next))
            (view::freshness(&r.freshness))
        }
    };
    let title = match (&form.q, results) {
        (q, Some(_)) if !q.is_empty() => format!("Search: {q}"),
        _ => "Search".to_owned(),
    };
    page(PATH, &title, body).heading("Search the register")
}
