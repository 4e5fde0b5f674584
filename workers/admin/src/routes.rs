//! The route table: which page a method and path ask for, 404 for unknown paths, 405 (with
//! `Allow`) for a known path asked with the wrong method, and the CSRF check every POST
//! passes before its handler runs.

use rtopacks_web::form::{self, Query, DEFAULT_MAX_BYTES};
use rtopacks_web::Html;
use worker::Request;

use crate::ctx::Ctx;
use crate::{allowlist, keys, observatory, orgs, people, trigger, view};

/// What a request asks for.
enum Route {
    Observatory,
    Run(String),
    Events,
    Sentinel,
    Trigger(String),
    Access,
    AllowAdd,
    Deactivate(String),
    Organisations,
    Organisation(String),
    AddClient(String),
    LinkPerson(String),
    Users,
    User(String),
    Session(String),
    Keys,
    IssueKey,
    RevokeKey(String),
}

/// The outcome of matching a path: a route, a path that exists under other methods, or
/// nothing.
enum Match {
    Found(Route),
    Method(&'static str),
    None,
}

/// `%XX` escapes decoded (lossily for bad UTF-8); a bad escape is kept as typed.
fn decode_segment(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse(method: &str, path: &str) -> Match {
    let read = matches!(method, "GET" | "HEAD");
    let post = method == "POST";
    let trimmed = if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        path
    };
    let segs: Vec<String> = trimmed.split('/').skip(1).map(decode_segment).collect();
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let get = |r: Route| {
        if read {
            Match::Found(r)
        } else {
            Match::Method("GET, HEAD")
        }
    };
    let post_only = |r: Route| {
        if post {
            Match::Found(r)
        } else {
            Match::Method("POST")
        }
    };
    let both = |g: Route, p: Route| match (read, post) {
        (true, _) => Match::Found(g),
        (_, true) => Match::Found(p),
        _ => Match::Method("GET, HEAD, POST"),
    };
    let nonempty = |s: &str| !s.is_empty();
    match segs.as_slice() {
        [""] => get(Route::Observatory),
        ["runs", id] if nonempty(id) => get(Route::Run((*id).to_owned())),
        ["events"] => get(Route::Events),
        ["sentinel"] => get(Route::Sentinel),
        ["trigger", sync] if nonempty(sync) => post_only(Route::Trigger((*sync).to_owned())),
        ["access"] => both(Route::Access, Route::AllowAdd),
        ["access", id, "deactivate"] => post_only(Route::Deactivate((*id).to_owned())),
        ["organisations"] => get(Route::Organisations),
        ["organisations", code] if nonempty(code) => get(Route::Organisation((*code).to_owned())),
        ["organisations", code, "client"] => post_only(Route::AddClient((*code).to_owned())),
        ["organisations", code, "people"] => post_only(Route::LinkPerson((*code).to_owned())),
        ["users"] => get(Route::Users),
        ["users", id] if nonempty(id) => get(Route::User((*id).to_owned())),
        ["sessions", id] if nonempty(id) => get(Route::Session((*id).to_owned())),
        ["keys"] => both(Route::Keys, Route::IssueKey),
        ["keys", id, "revoke"] => post_only(Route::RevokeKey((*id).to_owned())),
        _ => Match::None,
    }
}

/// A POST's form fields (bounded), after its CSRF check.
pub struct Form(pub Query);

impl Form {
    /// The field, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).unwrap_or("")
    }

    pub fn all<'f>(&'f self, name: &'f str) -> impl Iterator<Item = &'f str> + 'f {
        self.0.get_all(name)
    }
}

/// Read the body and apply the CSRF rule; `Err` is the refusal page.
async fn read_form(cx: &Ctx<'_>, req: &mut Request) -> worker::Result<Result<Form, Html>> {
    let body = req.bytes().await.unwrap_or_default();
    let pairs: Vec<(String, String)> = match form::decode(&body, DEFAULT_MAX_BYTES) {
        Ok(p) => p,
        Err(e) => {
            return Ok(Err(view::message(
                cx,
                400,
                "Form not accepted",
                &e.to_string(),
            )))
        }
    };
    let form = Form(Query::from_pairs(pairs));
    if let Err(why) = cx.check_post(form.0.get(rtopacks_web::csrf::FIELD)) {
        return Ok(Err(view::message(cx, 403, "Form not accepted", &why)));
    }
    Ok(Ok(form))
}

pub async fn dispatch(cx: &Ctx<'_>, mut req: Request) -> worker::Result<Html> {
    let route = match parse(&cx.visit.method, &cx.visit.path) {
        Match::Found(r) => r,
        Match::Method(allow) => return Ok(view::method_not_allowed(cx, allow)),
        Match::None => return Ok(view::not_found(cx, "There is no page at this address.")),
    };
    let needs_form = matches!(
        route,
        Route::Trigger(_)
            | Route::AllowAdd
            | Route::Deactivate(_)
            | Route::AddClient(_)
            | Route::LinkPerson(_)
            | Route::IssueKey
            | Route::RevokeKey(_)
    );
    let form = if needs_form {
        match read_form(cx, &mut req).await? {
            Ok(f) => f,
            Err(refused) => return Ok(refused),
        }
    } else {
        Form(Query::default())
    };
    match route {
        Route::Observatory => observatory::home(cx).await,
        Route::Run(id) => observatory::run(cx, &id).await,
        Route::Events => observatory::events(cx).await,
        Route::Sentinel => observatory::sentinel(cx).await,
        Route::Trigger(sync) => trigger::post(cx, &sync).await,
        Route::Access => allowlist::page(cx).await,
        Route::AllowAdd => allowlist::add(cx, &form).await,
        Route::Deactivate(id) => allowlist::deactivate(cx, &id).await,
        Route::Organisations => orgs::search(cx).await,
        Route::Organisation(code) => orgs::card(cx, &code).await,
        Route::AddClient(code) => orgs::add_client(cx, &code, &form).await,
        Route::LinkPerson(code) => orgs::link_person(cx, &code, &form).await,
        Route::Users => people::users(cx).await,
        Route::User(id) => people::user(cx, &id).await,
        Route::Session(id) => people::session(cx, &id).await,
        Route::Keys => keys::page(cx).await,
        Route::IssueKey => keys::issue(cx, &form).await,
        Route::RevokeKey(id) => keys::revoke(cx, &id).await,
    }
}
