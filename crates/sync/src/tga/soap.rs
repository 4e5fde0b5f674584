//! One SOAP call with retry: WCF answers faults with HTTP 500, so a 500 body is read as a
//! fault before it is treated as an outage. Quota and "not found" faults are answers (the
//! caller halves the page or skips the code); internal faults, 5xx pages, 429, transport
//! errors and truncated bodies are retried with backoff, then reported.

use rtopacks_edge::outbound::{HttpClient, OutboundRequest, RetryPolicy};
use rtopacks_upstream::tga_soap::SoapRequest;
use rtopacks_upstream::UpstreamError;

/// Why a call gave no value.
#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    /// WCF's message size quota: retry the page with half the PageSize.
    Quota(String),
    /// `GetDetails` for a code the register no longer holds.
    NotFound(String),
    /// Anything else, after the retries: the text for the step row.
    Failed(String),
}

impl CallError {
    pub fn text(&self) -> &str {
        match self {
            CallError::Quota(s) | CallError::NotFound(s) | CallError::Failed(s) => s,
        }
    }
}

/// A parsed answer and the raw body (for the R2 archive).
pub struct Answer<T> {
    pub value: T,
    pub raw: String,
}

fn classify(e: UpstreamError) -> Result<CallError, UpstreamError> {
    match e {
        UpstreamError::MessageSizeQuota(m) => Ok(CallError::Quota(m)),
        UpstreamError::SoapFault(f) if f.is_not_found() => Ok(CallError::NotFound(f.message)),
        // Client-side faults (validation, deserialisation) will not change on a retry.
        UpstreamError::SoapFault(f) if !f.code.to_ascii_lowercase().contains("internal") => Ok(
            CallError::Failed(format!("SOAP fault {}: {}", f.code, f.message)),
        ),
        other => Err(other),
    }
}

fn excerpt(body: &str) -> String {
    body.chars()
        .take(160)
        .collect::<String>()
        .replace(['\n', '\r'], " ")
}

/// POST `req` to `host` and parse the answer with `parse`.
pub async fn call<T>(
    http: &impl HttpClient,
    host: &str,
    req: &SoapRequest,
    parse: fn(&[u8]) -> Result<T, UpstreamError>,
    policy: RetryPolicy,
) -> Result<Answer<T>, CallError> {
    let mut out = OutboundRequest::post(req.url(host), req.body.clone());
    for (name, value) in req.headers() {
        out = out.header(name, value);
    }
    let what = format!("{} {}", req.url(host), req.operation);
    let mut attempt = 1;
    loop {
        let (last, retry_after) = match http.send(&out).await {
            Err(message) => (format!("{what}: {message}"), None),
            Ok(res) => match parse(res.body.as_bytes()) {
                Ok(value) if res.status < 400 => {
                    return Ok(Answer {
                        value,
                        raw: res.body,
                    })
                }
                Ok(_) => (format!("{what}: HTTP {}", res.status), res.retry_after),
                Err(e) => match classify(e) {
                    Ok(answer) => return Err(answer),
                    Err(e) => {
                        let final_ = res.status < 500
                            && res.status != 429
                            && !matches!(e, UpstreamError::Truncated(_));
                        let text = if res.status >= 400 {
                            format!("{what}: HTTP {}: {}", res.status, excerpt(&res.body))
                        } else {
                            format!("{what}: {e}")
                        };
                        if final_ {
                            return Err(CallError::Failed(format!("{text} (attempt {attempt})")));
                        }
                        (text, res.retry_after)
                    }
                },
            },
        };
        if attempt >= policy.attempts {
            return Err(CallError::Failed(format!(
                "{last} after {attempt} attempt(s)"
            )));
        }
        http.sleep(policy.delay_ms(attempt, retry_after)).await;
        attempt += 1;
    }
}
