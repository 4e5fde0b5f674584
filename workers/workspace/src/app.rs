//! One request: the clock read once, the databases, the CSRF key, the visitor's session
//! and tier, and the client of internal-api that forwards that session.

use chrono::{DateTime, Utc};
use rtopacks_domain::keys::Tier;
use rtopacks_domain::signin::{hash_presented, SessionPolicy};
use rtopacks_edge::bindings::{ENGINE_DB, OPS_DB};
use rtopacks_edge::clock;
use rtopacks_edge::internal::{InternalApi, InternalError};
use rtopacks_edge::surface::{self, Visit};
use rtopacks_store::signin::LiveSession;
use rtopacks_store::{identity, signin, D1Db, StoreError};
use rtopacks_web::cookie::{self, SESSION_COOKIE};
use rtopacks_web::csrf::CsrfKey;
use rtopacks_web::form::{self, FormError, Query};
use rtopacks_web::{Html, Markup, Page, SignOut, Surface};
use serde::de::DeserializeOwned;
use worker::{Context, Env, Request, Response};

use crate::views;

/// R2 `rtopacks-client-media`: the orgs' uploaded documents.
pub const CLIENT_MEDIA: &str = "CLIENT_MEDIA";
/// The public site's origin (`https://rtopacks.com.au`), where an RTO is claimed.
pub const SITE_URL: &str = "SITE_URL";

/// What a handler answers: a page (or redirect), or a raw response (a download).
pub enum Reply {
    Html(Html),
    Raw(Response),
}

pub fn store_err(e: StoreError) -> worker::Error {
    worker::Error::RustError(e.to_string())
}

pub struct App<'a> {
    pub env: &'a Env,
    pub ctx: &'a Context,
    pub visit: Visit,
    /// Read once per request from the injectable clock.
    pub now: DateTime<Utc>,
    /// `ORIGIN`: POSTs must come from it; mailed links start with it.
    pub origin: String,
    pub policy: SessionPolicy,
}

impl<'a> App<'a> {
    pub async fn new(env: &'a Env, ctx: &'a Context, visit: Visit) -> worker::Result<App<'a>> {
        Ok(App {
            env,
            ctx,
            visit,
            now: clock::now(env).await?,
            origin: surface::origin_from(env),
            policy: SessionPolicy::default(),
        })
    }

    pub fn engine(&self) -> worker::Result<D1Db> {
        Ok(D1Db(self.env.d1(ENGINE_DB)?))
    }

    pub fn ops(&self) -> worker::Result<D1Db> {
        Ok(D1Db(self.env.d1(OPS_DB)?))
    }

    /// The CSRF key; a missing or short `CSRF_SECRET` fails the request (forms refused).
    pub fn csrf_key(&self) -> worker::Result<CsrfKey> {
        surface::csrf_key_from(self.env).map_err(worker::Error::RustError)
    }

    /// The salted hash of the visitor's address, the only form in which it is stored
    /// (`magic_link_tokens.requested_ip_hash`, `sessions.ip_hash`).
    pub fn ip_hash(&self) -> worker::Result<String> {
        surface::requester_hash(self.env, &self.visit).map_err(worker::Error::RustError)
    }

    pub fn site_url(&self) -> String {
        self.env
            .var(SITE_URL)
            .map(|v| v.to_string().trim_end_matches('/').to_owned())
            .unwrap_or_else(|_| "https://rtopacks.com.au".to_owned())
    }

    /// The live session of the visitor's cookie, touched at most once a minute.
    pub async fn live_session(&self) -> worker::Result<Option<LiveSession>> {
        let Some(hash) = self.visit.session_token.as_deref().and_then(hash_presented) else {
            return Ok(None);
        };
        signin::session(&self.engine()?, &hash, self.now, &self.policy)
            .await
            .map_err(store_err)
    }

    /// The signed-in visitor, or the 303 to `/auth` (saying the session expired when a
    /// cookie was presented: revoked, timed out or unknown all read the same).
    pub async fn require_session(&self) -> worker::Result<Result<Signed, Html>> {
        let Some(live) = self.live_session().await? else {
            return Ok(Err(self.to_sign_in(self.visit.session_token.is_some())));
        };
        let tier = identity::tier_of(&self.ops()?, &live.identity())
            .await
            .map_err(store_err)?;
        let binding = surface::csrf_binding(&self.visit, Some(&live.session_id))
            .map_err(worker::Error::RustError)?
            .binding;
        Ok(Ok(Signed {
            token: self.visit.session_token.clone().unwrap_or_default(),
            live,
            tier,
            key: self.csrf_key()?,
            binding,
            now: self.now,
        }))
    }

    /// 303 to the sign-in page, coming back here afterwards. `expired`: the visitor had a
    /// session cookie that no longer works; it is cleared and the page says so.
    pub fn to_sign_in(&self, expired: bool) -> Html {
        let here = self.visit.query.href(&self.visit.path);
        let mut pairs = Vec::new();
        if here != "/" {
            pairs.push(("next", here));
        }
        if expired {
            pairs.push(("expired", "1".to_owned()));
        }
        let reply = Html::redirect_see_other(&Query::from_pairs(pairs).href("/auth")).no_store();
        if expired {
            clear_session(reply)
        } else {
            reply
        }
    }

    /// What to answer when internal-api could not: the session ended (SEC-02 may have
    /// revoked it on this very call) → back to sign-in; otherwise `None` and the caller
    /// shows `e.public_detail()`.
    pub fn internal_failure(&self, e: &InternalError) -> Option<Html> {
        e.session_expired().then(|| self.to_sign_in(true))
    }

    /// internal-api as this visitor: the session token and the address forwarded.
    pub fn internal(&self, signed: &Signed) -> worker::Result<InternalApi> {
        InternalApi::new(
            self.env,
            Some(signed.token.clone()),
            self.visit.address.clone(),
        )
    }

    /// The CSRF rule for this POST. `session_id`: the signed-in visitor's session, else
    /// the anonymous `__Host-rtp_csrf` cookie is the binding.
    pub fn check_post(
        &self,
        session_id: Option<&str>,
        token: Option<&str>,
    ) -> worker::Result<Result<(), Html>> {
        let key = self.csrf_key()?;
        Ok(
            surface::check_post(&key, &self.visit, session_id, &self.origin, token, self.now)
                .map_err(|e| views::forbidden(&self.visit.path, &e.to_string())),
        )
    }

    /// A token for an anonymous form posting to `action`, and the cookie to set when the
    /// visitor had no CSRF cookie yet.
    pub fn anonymous_csrf(&self, action: &str) -> worker::Result<(String, Option<String>)> {
        let binding = surface::csrf_binding(&self.visit, None).map_err(worker::Error::RustError)?;
        let token = self.csrf_key()?.issue(&binding.binding, action, self.now);
        Ok((token, binding.set_cookie))
    }

    /// An `application/x-www-form-urlencoded` body, bounded before it is read.
    pub async fn read_form<T: DeserializeOwned>(
        &self,
        req: &mut Request,
    ) -> worker::Result<Result<T, Html>> {
        let declared = content_length(req);
        if declared.is_some_and(|n| n > form::DEFAULT_MAX_BYTES as u64) {
            let e = FormError::TooLarge {
                limit: form::DEFAULT_MAX_BYTES,
            };
            return Ok(Err(views::message(
                &self.visit.path,
                413,
                "Form too large",
                &e.to_string(),
            )));
        }
        let body = req.bytes().await?;
        Ok(form::decode(&body, form::DEFAULT_MAX_BYTES).map_err(|e| {
            let status = if matches!(e, FormError::TooLarge { .. }) {
                413
            } else {
                400
            };
            views::message(
                &self.visit.path,
                status,
                "Form not accepted",
                &e.to_string(),
            )
        }))
    }
}

pub fn content_length(req: &Request) -> Option<u64> {
    req.headers()
        .get("Content-Length")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse().ok())
}

/// The reply with the session cookie deleted.
pub fn clear_session(reply: Html) -> Html {
    match cookie::clear_host_cookie(SESSION_COOKIE) {
        Ok(c) => reply.with_cookie(c),
        Err(_) => reply,
    }
}

/// A visitor with a live session.
pub struct Signed {
    pub live: LiveSession,
    pub tier: Tier,
    /// The cookie's token, forwarded to internal-api.
    token: String,
    key: CsrfKey,
    /// The CSRF binding of this session (`surface::csrf_binding`).
    binding: String,
    now: DateTime<Utc>,
}

impl Signed {
    pub fn session_id(&self) -> &str {
        &self.live.session_id
    }

    /// A token for a form posting to `action`, bound to this session.
    pub fn csrf(&self, action: &str) -> String {
        self.key.issue(&self.binding, action, self.now)
    }

    pub fn org_id(&self) -> Option<&str> {
        self.live.org_id.as_deref()
    }

    /// A workspace page with the account area (who, and the POST sign-out).
    pub fn page(&self, path: &str, title: &str, body: Markup) -> Page {
        let who = self
            .live
            .display_name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(&self.live.email)
            .to_owned();
        Page::new(Surface::Workspace, path, title, body).signed_in(
            &who,
            Some(SignOut {
                action: "/signout".to_owned(),
                csrf_token: self.csrf("/signout"),
            }),
        )
    }
}
