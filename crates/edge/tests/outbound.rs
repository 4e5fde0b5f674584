//! Retry and backoff without waiting: the fake client records the delays it was asked for.

use std::cell::RefCell;

use futures::executor::block_on;
use rtopacks_edge::outbound::{
    fetch_with_retry, FetchError, HttpClient, OutboundRequest, OutboundResponse, RetryPolicy,
};

struct Script {
    answers: RefCell<Vec<Result<OutboundResponse, String>>>,
    slept: RefCell<Vec<u64>>,
    calls: RefCell<u32>,
}

fn script(answers: Vec<Result<(u16, Option<u64>), &str>>) -> Script {
    let answers = answers
        .into_iter()
        .rev()
        .map(|a| {
            a.map(|(status, retry_after)| OutboundResponse {
                status,
                body: format!("body {status}"),
                retry_after,
            })
            .map_err(str::to_owned)
        })
        .collect();
    Script {
        answers: RefCell::new(answers),
        slept: RefCell::new(Vec::new()),
        calls: RefCell::new(0),
    }
}

impl HttpClient for Script {
    async fn send(&self, _: &OutboundRequest) -> Result<OutboundResponse, String> {
        *self.calls.borrow_mut() += 1;
        self.answers
            .borrow_mut()
            .pop()
            .expect("more calls than scripted")
    }
    async fn sleep(&self, ms: u64) {
        self.slept.borrow_mut().push(ms);
    }
}

const POLICY: RetryPolicy = RetryPolicy {
    attempts: 3,
    base_ms: 500,
    max_ms: 10_000,
};

fn req() -> OutboundRequest {
    OutboundRequest::get("https://training.gov.au/api/organisation/45329?include=all")
}

#[test]
fn server_errors_are_retried_with_growing_waits_until_success() {
    let c = script(vec![
        Ok((500, None)),
        Err("connection reset"),
        Ok((200, None)),
    ]);
    let res = block_on(fetch_with_retry(&c, &req(), POLICY)).unwrap();
    assert_eq!(res.status, 200);
    assert_eq!(*c.slept.borrow(), vec![500, 1000]);
}

#[test]
fn persistent_failure_ends_in_an_error_naming_status_attempts_and_body() {
    let c = script(vec![Ok((503, None)), Ok((503, None)), Ok((503, None))]);
    let err = block_on(fetch_with_retry(&c, &req(), POLICY)).unwrap_err();
    assert!(matches!(
        err,
        FetchError::Status {
            status: 503,
            attempts: 3,
            ..
        }
    ));
    assert!(
        err.to_string()
            .contains("HTTP 503 after 3 attempt(s): body 503"),
        "{err}"
    );
}

#[test]
fn client_errors_are_final_and_rate_limits_honour_retry_after() {
    let c = script(vec![Ok((404, None))]);
    assert!(matches!(
        block_on(fetch_with_retry(&c, &req(), POLICY)),
        Err(FetchError::Status {
            status: 404,
            attempts: 1,
            ..
        })
    ));
    assert_eq!(*c.calls.borrow(), 1);
    let c = script(vec![Ok((429, Some(3))), Ok((200, None))]);
    block_on(fetch_with_retry(&c, &req(), POLICY)).unwrap();
    assert_eq!(*c.slept.borrow(), vec![3000]);
}

#[test]
fn timeouts_exhaust_into_a_transport_error_and_waits_are_capped() {
    let c = script(vec![Err("timed out after 30000 ms"); 3]);
    let err = block_on(fetch_with_retry(&c, &req(), POLICY)).unwrap_err();
    assert!(
        matches!(err, FetchError::Transport { attempts: 3, .. }),
        "{err}"
    );
    assert_eq!(POLICY.delay_ms(10, None), 10_000);
    assert_eq!(POLICY.delay_ms(1, Some(60)), 10_000);
}
