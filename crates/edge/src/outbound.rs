//! Outbound HTTP with retry and backoff. Upstreams fail in ordinary ways (TGA's REST API
//! answers 500 to some filter combinations; CKAN and SOAP have bad minutes): transport
//! errors, timeouts, 429 and 5xx are retried with exponential backoff (honouring
//! `Retry-After`); other 4xx are final. Sleeping goes through the client, so native
//! tests record the delays instead of waiting.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq)]
pub struct OutboundRequest {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl OutboundRequest {
    pub fn get(url: impl Into<String>) -> Self {
        OutboundRequest {
            method: "GET",
            url: url.into(),
            headers: Vec::new(),
            body: None,
        }
    }
    pub fn post(url: impl Into<String>, body: String) -> Self {
        OutboundRequest {
            method: "POST",
            url: url.into(),
            headers: Vec::new(),
            body: Some(body),
        }
    }
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutboundResponse {
    pub status: u16,
    pub body: String,
    /// Seconds, from a `Retry-After` header.
    pub retry_after: Option<u64>,
}

/// A way to send requests and to wait.
pub trait HttpClient {
    /// `Err` is a transport failure (network, timeout), never an HTTP status.
    async fn send(&self, req: &OutboundRequest) -> Result<OutboundResponse, String>;
    async fn sleep(&self, ms: u64);
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub base_ms: u64,
    pub max_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 3,
            base_ms: 500,
            max_ms: 10_000,
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `n + 1` (n counts from 1): base, 2×base, 4×base, … capped.
    pub fn delay_ms(&self, n: u32, retry_after: Option<u64>) -> u64 {
        let backoff = self.base_ms.saturating_mul(1u64 << (n - 1).min(16));
        retry_after
            .map_or(backoff, |s| s.saturating_mul(1000).max(backoff))
            .min(self.max_ms)
    }
}

#[derive(Debug, Clone, Error, PartialEq)]
pub enum FetchError {
    #[error("{url}: HTTP {status} after {attempts} attempt(s): {excerpt}")]
    Status {
        url: String,
        status: u16,
        attempts: u32,
        excerpt: String,
    },
    #[error("{url}: {message} after {attempts} attempt(s)")]
    Transport {
        url: String,
        message: String,
        attempts: u32,
    },
}

fn retryable(status: u16) -> bool {
    status == 429 || status >= 500
}

fn excerpt(body: &str) -> String {
    body.chars()
        .take(200)
        .collect::<String>()
        .replace(['\n', '\r'], " ")
}

/// Send `req`; a 2xx or 3xx answer is returned, anything else after the policy's attempts
/// is an error carrying the status and the start of the body (for the step row).
pub async fn fetch_with_retry(
    client: &impl HttpClient,
    req: &OutboundRequest,
    policy: RetryPolicy,
) -> Result<OutboundResponse, FetchError> {
    let mut n = 1;
    loop {
        let outcome = client.send(req).await;
        let (again, retry_after) = match &outcome {
            Ok(res) if res.status < 400 => return Ok(res.clone()),
            Ok(res) => (retryable(res.status), res.retry_after),
            Err(_) => (true, None),
        };
        if !again || n >= policy.attempts {
            return Err(match outcome {
                Ok(res) => FetchError::Status {
                    url: req.url.clone(),
                    status: res.status,
                    attempts: n,
                    excerpt: excerpt(&res.body),
                },
                Err(message) => FetchError::Transport {
                    url: req.url.clone(),
                    message,
                    attempts: n,
                },
            });
        }
        client.sleep(policy.delay_ms(n, retry_after)).await;
        n += 1;
    }
}

/// The Workers fetch API, with a per-request timeout.
#[cfg(target_arch = "wasm32")]
pub struct WorkerHttp {
    pub timeout_ms: u64,
}

#[cfg(target_arch = "wasm32")]
impl HttpClient for WorkerHttp {
    async fn send(&self, req: &OutboundRequest) -> Result<OutboundResponse, String> {
        use futures::future::{select, Either};
        use worker::{AbortController, Delay, Fetch, Headers, Method, Request, RequestInit};
        let headers = Headers::new();
        for (k, v) in &req.headers {
            headers.set(k, v).map_err(|e| e.to_string())?;
        }
        let mut init = RequestInit::new();
        init.with_method(if req.method == "POST" {
            Method::Post
        } else {
            Method::Get
        })
        .with_headers(headers);
        if let Some(body) = &req.body {
            init.with_body(Some(body.as_str().into()));
        }
        let request = Request::new_with_init(&req.url, &init).map_err(|e| e.to_string())?;
        let controller = AbortController::default();
        let signal = controller.signal();
        let fetch = Box::pin(async move {
            let mut res = Fetch::Request(request).send_with_signal(&signal).await?;
            let retry_after = res
                .headers()
                .get("retry-after")
                .ok()
                .flatten()
                .and_then(|v| v.trim().parse().ok());
            Ok::<_, worker::Error>(OutboundResponse {
                status: res.status_code(),
                body: res.text().await?,
                retry_after,
            })
        });
        let timeout = Delay::from(std::time::Duration::from_millis(self.timeout_ms));
        match select(fetch, timeout).await {
            Either::Left((res, _)) => res.map_err(|e| e.to_string()),
            Either::Right(_) => {
                controller.abort();
                Err(format!("timed out after {} ms", self.timeout_ms))
            }
        }
    }

    async fn sleep(&self, ms: u64) {
        worker::Delay::from(std::time::Duration::from_millis(ms)).await;
    }
}
