//! One request as the handlers see it: the environment, the visit, the clock, the
//! site's own origin, and what the reply must carry besides its page (a new CSRF cookie,
//! the clearing of a session cookie internal-api no longer honours).

use std::cell::RefCell;

use chrono::{DateTime, Utc};
use rtopacks_edge::internal::{InternalApi, InternalError};
use rtopacks_edge::surface::{self, Visit};
use rtopacks_web::cookie::{self, SESSION_COOKIE};
use rtopacks_web::csrf::CsrfError;
use rtopacks_web::Html;
use serde::de::DeserializeOwned;
use worker::{Context, Env};

use crate::cache::Cache;

/// `https://my.rtopacks.com.au`: where "sign in to your workspace" links go.
pub const WORKSPACE_URL: &str = "WORKSPACE_URL";

pub struct Ctx<'a> {
    pub env: &'a Env,
    pub worker_ctx: &'a Context,
    pub visit: &'a Visit,
    pub now: DateTime<Utc>,
    /// `ORIGIN`, without a trailing slash: POSTs must come from it and mailed links start
    /// with it (never the Host header).
    pub origin: String,
    pub cache: Cache,
    /// `Set-Cookie` values to add to whatever the handler answers.
    cookies: RefCell<Vec<String>>,
    /// The visitor's session token, until internal-api says it no longer resolves.
    session: RefCell<Option<String>>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        env: &'a Env,
        worker_ctx: &'a Context,
        visit: &'a Visit,
        now: DateTime<Utc>,
    ) -> Self {
        Ctx {
            env,
            worker_ctx,
            visit,
            now,
            origin: surface::origin_from(env),
            cache: Cache::new(env),
            cookies: RefCell::new(Vec::new()),
            session: RefCell::new(visit.session_token.clone()),
        }
    }

    pub fn var(&self, name: &str) -> Option<String> {
        self.env
            .var(name)
            .ok()
            .map(|v| v.to_string())
            .filter(|v| !v.trim().is_empty())
    }

    /// `WORKSPACE_URL` without a trailing slash.
    pub fn workspace_url(&self) -> String {
        self.var(WORKSPACE_URL)
            .unwrap_or_else(|| "https://my.rtopacks.com.au".to_owned())
            .trim_end_matches('/')
            .to_owned()
    }

    /// Whether the visitor is anonymous to the catalogue (no session forwarded): only
    /// anonymous answers are cached.
    pub fn anonymous(&self) -> bool {
        self.session.borrow().is_none()
    }

    /// `GET path_and_query` from internal-api as `T`, as this visitor. A session that no
    /// longer resolves (401) is dropped, its cookie cleared, and the call made again
    /// anonymously: the visitor carries on browsing.
    pub async fn catalogue<T: DeserializeOwned>(
        &self,
        path_and_query: &str,
    ) -> Result<T, InternalError> {
        let first = self.call(path_and_query).await;
        match first {
            Err(e) if e.session_expired() && self.session.borrow().is_some() => {
                self.session.replace(None);
                if let Ok(c) = cookie::clear_host_cookie(SESSION_COOKIE) {
                    self.cookies.borrow_mut().push(c);
                }
                self.call(path_and_query).await
            }
            other => other,
        }
    }

    async fn call<T: DeserializeOwned>(&self, path_and_query: &str) -> Result<T, InternalError> {
        let session = self.session.borrow().clone();
        let api = InternalApi::new(self.env, session, self.visit.address.clone())
            .map_err(|e| InternalError::Transport(e.to_string()))?;
        api.get(path_and_query).await
    }

    /// A CSRF token for a form posting to `action`, bound to this visitor (a new
    /// `__Host-rtp_csrf` cookie goes with the reply when they had none).
    pub fn csrf_token(&self, action: &str) -> Result<String, String> {
        let key = surface::csrf_key_from(self.env)?;
        let binding = surface::csrf_binding(self.visit, None)?;
        if let Some(c) = binding.set_cookie {
            self.cookies.borrow_mut().push(c);
        }
        Ok(key.issue(&binding.binding, action, self.now))
    }

    /// The CSRF rule for this POST: from the site's own origin, with a token issued to
    /// this visitor for this path, unexpired.
    pub fn check_post(&self, token: &str) -> Result<(), CsrfError> {
        let key = surface::csrf_key_from(self.env).map_err(|_| CsrfError::Missing)?;
        surface::check_post(&key, self.visit, None, &self.origin, Some(token), self.now)
    }

    /// The requester as the link rate limits count it: a salted hash of the address
    /// (`surface::requester_hash`, the same as the workspace's, so the per-address limits
    /// of sign-in and claim links count alike).
    pub fn requester_hash(&self) -> Result<String, String> {
        surface::requester_hash(self.env, self.visit)
    }

    /// Mail `message` after the reply has left, so answers that mail and answers that do
    /// not take the same time.
    pub fn mail(&self, message: rtopacks_domain::email::EmailMessage) {
        rtopacks_edge::email::deliver_later(self.worker_ctx, self.env, message, self.now, "site");
    }

    /// The reply with the cookies this request gathered.
    pub fn finish(&self, mut html: Html) -> Html {
        for c in self.cookies.borrow_mut().drain(..) {
            html = html.with_cookie(c);
        }
        html
    }
}
