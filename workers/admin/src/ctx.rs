//! One request of a verified operator: the clock, the visit, the databases, internal-api,
//! and the CSRF tokens of its forms.

use chrono::{DateTime, Utc};
use rtopacks_domain::keys::sha256_hex;
use rtopacks_domain::time::iso;
use rtopacks_edge::bindings::{ENGINE_DB, OPS_DB};
use rtopacks_edge::internal::InternalApi;
use rtopacks_edge::surface::{self, csrf_key_from, origin_from, Visit};
use rtopacks_store::D1Db;
use rtopacks_web::csrf::CsrfKey;
use rtopacks_web::{Markup, NavLink, Page, Surface};
use worker::Env;

use crate::access::Operator;

/// The console's sections (`Surface::Admin`'s default plus the feeds and people).
const NAV: [(&str, &str); 7] = [
    ("/", "Observatory"),
    ("/events", "Events"),
    ("/sentinel", "Sentinel"),
    ("/access", "Access"),
    ("/organisations", "Organisations"),
    ("/users", "People"),
    ("/keys", "Keys"),
];

pub struct Ctx<'a> {
    pub env: &'a Env,
    pub now: DateTime<Utc>,
    pub visit: Visit,
    pub operator: Operator,
    csrf: Result<CsrfKey, String>,
    /// The operator's CSRF binding: SHA-256 of the Access `sub` (see the crate docs).
    binding: String,
    origin: String,
}

impl<'a> Ctx<'a> {
    pub fn new(env: &'a Env, visit: Visit, operator: Operator, now: DateTime<Utc>) -> Ctx<'a> {
        let id = &operator.identity;
        let subject = id
            .sub
            .clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| id.label());
        Ctx {
            env,
            now,
            visit,
            binding: sha256_hex(format!("access-sub:{subject}").as_bytes()),
            operator,
            csrf: csrf_key_from(env),
            origin: origin_from(env),
        }
    }

    /// The operator as pages and logs name them (`email`, or `service:<client id>`).
    pub fn who(&self) -> String {
        self.operator.identity.label()
    }

    pub fn now_iso(&self) -> String {
        iso(self.now)
    }

    pub fn ops(&self) -> worker::Result<D1Db> {
        Ok(D1Db(self.env.d1(OPS_DB)?))
    }

    pub fn engine(&self) -> worker::Result<D1Db> {
        Ok(D1Db(self.env.d1(ENGINE_DB)?))
    }

    /// internal-api as this operator: no workspace session, the operator's address for
    /// SEC-02, and the Access token for the admin routes.
    pub fn internal(&self) -> worker::Result<InternalApi> {
        Ok(
            InternalApi::new(self.env, None, self.visit.address.clone())?
                .with_access_jwt(Some(self.operator.jwt.clone())),
        )
    }

    /// The CSRF token of a form posting to `action` (empty when `CSRF_SECRET` is missing:
    /// the POST is then refused with a message saying so).
    pub fn token(&self, action: &str) -> String {
        match &self.csrf {
            Ok(key) => key.issue(&format!("s:{}", self.binding), action, self.now),
            Err(_) => String::new(),
        }
    }

    /// The CSRF rule for this POST, with the refusal in plain words.
    pub fn check_post(&self, token: Option<&str>) -> Result<(), String> {
        let key = self.csrf.as_ref().map_err(|e| {
            worker::console_error!("admin: {e}");
            "This console cannot accept forms until its CSRF_SECRET is set.".to_owned()
        })?;
        surface::check_post(
            key,
            &self.visit,
            Some(&self.binding),
            &self.origin,
            token,
            self.now,
        )
        .map_err(|e| e.to_string())
    }

    /// A console page at the current path, naming the operator. Access signs the
    /// operator out (its own logout path), so there is no sign-out form here.
    pub fn page(&self, title: &str, body: Markup) -> Page {
        let mut page =
            Page::new(Surface::Admin, &self.visit.path, title, body).signed_in(&self.who(), None);
        page.nav = NAV
            .iter()
            .map(|(href, label)| NavLink::new(href, label, &self.visit.path))
            .collect();
        page
    }
}
