//! The surfaces' client of internal-api (site, workspace and admin bind `INTERNAL_API`).
//!
//! Every catalogue read of a surface goes through internal-api, so access logging and
//! SEC-02 scoring see each visitor whichever door they use. The client forwards the
//! visitor's session token (`X-RTOpacks-Session`) and address (`X-RTOpacks-Client`), and
//! decodes answers into the catalogue's own types (they round-trip through JSON).

use serde::de::DeserializeOwned;
use thiserror::Error;

use crate::bindings::internal_api::SERVICE_HOST;

/// Why a call to internal-api gave no answer.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InternalError {
    /// internal-api answered with an error envelope; `detail` is safe to show.
    #[error("internal-api {status}: {detail}")]
    Status { status: u16, detail: String },
    /// The call itself failed (binding missing, network): nothing to show but "try again".
    #[error("internal-api unreachable: {0}")]
    Transport(String),
    /// internal-api answered 2xx with a body that is not the expected type.
    #[error("internal-api answer not understood: {0}")]
    Decode(String),
}

impl InternalError {
    pub fn status(&self) -> u16 {
        match self {
            InternalError::Status { status, .. } => *status,
            _ => 502,
        }
    }

    /// The visitor's session no longer resolves (expired, signed out, revoked): the surface
    /// clears its cookie and carries on as anonymous.
    pub fn session_expired(&self) -> bool {
        self.status() == 401
    }

    /// A message fit for a page: internal-api's own detail for 4xx, a generic one else.
    pub fn public_detail(&self) -> String {
        match self {
            InternalError::Status { status, detail } if (400..500).contains(status) => {
                detail.clone()
            }
            _ => {
                "The catalogue is not answering right now. Please try again in a moment.".to_owned()
            }
        }
    }
}

/// The URL of a service-binding call for `path_and_query` (which starts with `/`).
pub fn url(path_and_query: &str) -> String {
    format!("https://{SERVICE_HOST}{path_and_query}")
}

/// Decode an answer: the body as `T` on 2xx, else the envelope's first detail.
pub fn decode<T: DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, InternalError> {
    if (200..300).contains(&status) {
        return serde_json::from_slice(body).map_err(|e| InternalError::Decode(e.to_string()));
    }
    #[derive(serde::Deserialize)]
    struct Envelope {
        errors: Vec<Detail>,
    }
    #[derive(serde::Deserialize)]
    struct Detail {
        detail: String,
    }
    let detail = serde_json::from_slice::<Envelope>(body)
        .ok()
        .and_then(|e| e.errors.into_iter().next())
        .map(|d| d.detail)
        .unwrap_or_else(|| format!("HTTP {status}"));
    Err(InternalError::Status { status, detail })
}

#[cfg(target_arch = "wasm32")]
pub use worker_client::InternalApi;

#[cfg(target_arch = "wasm32")]
mod worker_client {
    use super::*;
    use crate::bindings::internal_api::{CLIENT_HEADER, SESSION_HEADER};
    use crate::bindings::INTERNAL_API;
    use worker::{Env, Fetcher, Headers, Method, Request, RequestInit};

    /// internal-api as one visitor of a surface sees it.
    pub struct InternalApi {
        fetcher: Fetcher,
        session: Option<String>,
        client: String,
        access_jwt: Option<String>,
    }

    impl InternalApi {
        /// `session`: the visitor's session token from the surface's cookie; `client`: the
        /// visitor's address (`CF-Connecting-IP`).
        pub fn new(env: &Env, session: Option<String>, client: String) -> worker::Result<Self> {
            Ok(InternalApi {
                fetcher: env.service(INTERNAL_API)?,
                session,
                client,
                access_jwt: None,
            })
        }

        /// The admin console forwards its operator's Access token for admin routes.
        pub fn with_access_jwt(mut self, jwt: Option<String>) -> Self {
            self.access_jwt = jwt;
            self
        }

        /// `GET path_and_query`, decoded as `T`.
        pub async fn get<T: DeserializeOwned>(
            &self,
            path_and_query: &str,
        ) -> Result<T, InternalError> {
            self.call(Method::Get, path_and_query, None).await
        }

        /// `POST path` with a JSON body, decoded as `T`.
        pub async fn post<T: DeserializeOwned>(
            &self,
            path: &str,
            body: &serde_json::Value,
        ) -> Result<T, InternalError> {
            self.call(Method::Post, path, Some(body.to_string())).await
        }

        async fn call<T: DeserializeOwned>(
            &self,
            method: Method,
            path: &str,
            body: Option<String>,
        ) -> Result<T, InternalError> {
            let transport = |e: worker::Error| InternalError::Transport(e.to_string());
            let headers = Headers::new();
            headers
                .set("Accept", "application/json")
                .map_err(transport)?;
            headers
                .set(CLIENT_HEADER, &self.client)
                .map_err(transport)?;
            if let Some(token) = &self.session {
                headers.set(SESSION_HEADER, token).map_err(transport)?;
            }
            if let Some(jwt) = &self.access_jwt {
                headers
                    .set(crate::access_jwt::HEADER, jwt)
                    .map_err(transport)?;
            }
            let mut init = RequestInit::new();
            init.with_method(method).with_headers(headers);
            if let Some(body) = body {
                init.headers
                    .set("Content-Type", "application/json")
                    .map_err(transport)?;
                init.with_body(Some(body.into()));
            }
            let req = Request::new_with_init(&url(path), &init).map_err(transport)?;
            let mut res = self.fetcher.fetch_request(req).await.map_err(transport)?;
            let bytes = res.bytes().await.map_err(transport)?;
            decode(res.status_code(), &bytes)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Tiered {
        tier: String,
    }

    #[test]
    fn answers_decode_and_errors_carry_the_envelope_detail() {
        assert_eq!(
            decode::<Tiered>(200, br#"{"tier":"l4"}"#).unwrap(),
            Tiered { tier: "l4".into() }
        );
        let e = decode::<Tiered>(404, br#"{"errors":[{"detail":"There is no RTO 99999."}]}"#)
            .unwrap_err();
        assert_eq!(e.status(), 404);
        assert_eq!(e.public_detail(), "There is no RTO 99999.");
        assert!(decode::<Tiered>(401, b"{}").unwrap_err().session_expired());
        // A 500's detail is never shown; a 2xx that is not the type is a decode error.
        let e = decode::<Tiered>(500, br#"{"errors":[{"detail":"SQL near x"}]}"#).unwrap_err();
        assert!(!e.public_detail().contains("SQL"));
        assert!(matches!(
            decode::<Tiered>(200, b"[]"),
            Err(InternalError::Decode(_))
        ));
        assert_eq!(
            url("/catalogue/search?q=a"),
            "https://internal-api.internal/catalogue/search?q=a"
        );
    }
}
