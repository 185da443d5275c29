//! Signed webhook delivery: one background task fed by an mpsc channel, delivering events in
//! emission order, one at a time, with retries and injectable faults.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::sync::mpsc;

use crate::error::ApiError;
use crate::form::Params;
use crate::state::lock;
use crate::{SimClock, SimConfig};

/// One delivery attempt.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Delivery {
    pub event_id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    /// 1-based attempt number for this event.
    pub attempt: u32,
    /// HTTP status of the receiver's answer; `None` when nothing was received.
    pub status: Option<u16>,
    pub error: Option<String>,
    /// Unix seconds.
    pub delivered_at: i64,
}

/// `Stripe-Signature` header value: `t={timestamp},v1={hex HMAC-SHA256(secret, "{t}.{payload}")}`.
pub fn sign(secret: &str, timestamp: i64, payload: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        // HMAC accepts keys of any length; this branch cannot be taken.
        Err(_) => return format!("t={timestamp},v1="),
    };
    mac.update(format!("{timestamp}.{payload}").as_bytes());
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

#[derive(Debug, Default, Clone)]
struct WebhookFaults {
    delay_remaining: u32,
    delay_ms: u64,
    duplicate_remaining: u32,
    reorder_remaining: u32,
    fail_remaining: u32,
}

impl WebhookFaults {
    fn to_json(&self) -> Value {
        json!({
            "delay": {"remaining": self.delay_remaining, "delay_ms": self.delay_ms},
            "duplicate": {"remaining": self.duplicate_remaining},
            "reorder": {"remaining": self.reorder_remaining},
            "fail": {"remaining": self.fail_remaining},
        })
    }
}

struct Shared {
    url: Option<String>,
    secret: String,
    connect_secret: String,
    retry_base: Duration,
    attempts: u32,
    clock: SimClock,
    faults: Mutex<WebhookFaults>,
    deliveries: Mutex<Vec<Delivery>>,
    /// Events emitted but not yet finished (delivered or given up), incl. buffered ones.
    queued: AtomicUsize,
    client: reqwest::Client,
}

pub struct Hub {
    tx: mpsc::UnboundedSender<Value>,
    rx: Mutex<Option<mpsc::UnboundedReceiver<Value>>>,
    shared: Arc<Shared>,
}

impl Hub {
    pub fn new(config: &SimConfig) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        Self {
            tx,
            rx: Mutex::new(Some(rx)),
            shared: Arc::new(Shared {
                url: config.webhook_url.clone(),
                secret: config.webhook_secret.clone(),
                connect_secret: config.connect_webhook_secret.clone(),
                retry_base: config.webhook_retry_base,
                attempts: config.webhook_attempts.max(1),
                clock: config.clock.clone(),
                faults: Mutex::new(WebhookFaults::default()),
                deliveries: Mutex::new(Vec::new()),
                queued: AtomicUsize::new(0),
                client,
            }),
        }
    }

    /// Starts the delivery task if it is not running and a tokio runtime is available.
    pub fn ensure_worker(&self) {
        if self.shared.url.is_none() {
            return;
        }
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if let Some(rx) = lock(&self.rx).take() {
            handle.spawn(worker(rx, Arc::clone(&self.shared)));
        }
    }

    /// Queues an event for delivery (no-op without a webhook URL). Never blocks.
    pub fn enqueue(&self, event: Value) {
        if self.shared.url.is_none() {
            return;
        }
        self.shared.queued.fetch_add(1, Ordering::SeqCst);
        if self.tx.send(event).is_err() {
            self.shared.queued.fetch_sub(1, Ordering::SeqCst);
        }
        self.ensure_worker();
    }

    pub fn queued(&self) -> usize {
        self.shared.queued.load(Ordering::SeqCst)
    }

    pub fn deliveries(&self) -> Vec<Delivery> {
        lock(&self.shared.deliveries).clone()
    }

    /// `POST /v1/test_helpers/webhooks/faults`.
    pub fn add_fault(&self, params: &Value) -> Result<Value, ApiError> {
        let mode = params.req_str("mode")?;
        let count =
            u32::try_from(params.i64_of("count")?.unwrap_or(1).clamp(0, 10_000)).unwrap_or(0);
        let mut f = lock(&self.shared.faults);
        match mode {
            "delay" => {
                let ms = params
                    .i64_of("delay_ms")?
                    .unwrap_or(1_000)
                    .clamp(0, 600_000);
                f.delay_remaining = count;
                f.delay_ms = u64::try_from(ms).unwrap_or(0);
            }
            "duplicate" => f.duplicate_remaining = count,
            "reorder" => f.reorder_remaining = count,
            "fail" => f.fail_remaining = count,
            other => {
                return Err(ApiError::invalid_param(
                    "parameter_invalid_string",
                    &format!("Invalid mode: {other} (expected delay, duplicate, reorder or fail)"),
                    "mode",
                ))
            }
        }
        Ok(json!({"object": "webhook_faults", "pending": f.to_json()}))
    }

    /// `DELETE /v1/test_helpers/webhooks/faults` (a buffered reorder batch is delivered
    /// with the next event, or after `REORDER_WAIT` without one).
    pub fn clear_faults(&self) -> Value {
        let mut f = lock(&self.shared.faults);
        let reorder = f.reorder_remaining;
        *f = WebhookFaults::default();
        // Keep a running reorder batch consistent: flush happens on its next event.
        f.reorder_remaining = reorder.min(1);
        json!({"object": "webhook_faults", "pending": f.to_json()})
    }
}

/// How long a reorder batch waits for its next event before it is delivered
/// (reversed) anyway: a quiet simulator never holds an event back for good.
const REORDER_WAIT: Duration = Duration::from_secs(2);

async fn worker(mut rx: mpsc::UnboundedReceiver<Value>, shared: Arc<Shared>) {
    let mut reorder_buf: Vec<Value> = Vec::new();
    loop {
        let next = if reorder_buf.is_empty() {
            rx.recv().await
        } else {
            match tokio::time::timeout(REORDER_WAIT, rx.recv()).await {
                Ok(next) => next,
                Err(_) => {
                    let batch: Vec<Value> = reorder_buf.drain(..).rev().collect();
                    for event in batch {
                        deliver_counted(&shared, &event).await;
                    }
                    continue;
                }
            }
        };
        let Some(event) = next else { break };
        let batch: Vec<Value> = {
            let mut f = lock(&shared.faults);
            if f.reorder_remaining > 0 {
                reorder_buf.push(event);
                f.reorder_remaining -= 1;
                if f.reorder_remaining > 0 {
                    continue;
                }
                reorder_buf.drain(..).rev().collect()
            } else {
                vec![event]
            }
        };
        for event in batch {
            deliver_counted(&shared, &event).await;
        }
    }
}

/// Delivers one queued event (twice under a duplicate fault) and counts it done.
async fn deliver_counted(shared: &Shared, event: &Value) {
    let times = {
        let mut f = lock(&shared.faults);
        if f.duplicate_remaining > 0 {
            f.duplicate_remaining -= 1;
            2
        } else {
            1
        }
    };
    for _ in 0..times {
        deliver(shared, event).await;
    }
    shared.queued.fetch_sub(1, Ordering::SeqCst);
}

async fn deliver(shared: &Shared, event: &Value) {
    let Some(url) = shared.url.as_deref() else {
        return;
    };
    let body = event.to_string();
    let event_id = event["id"].as_str().unwrap_or_default().to_string();
    let event_type = event["type"].as_str().unwrap_or_default().to_string();
    let secret = if event.get("account").is_some_and(|a| a.is_string()) {
        &shared.connect_secret
    } else {
        &shared.secret
    };
    for attempt in 1..=shared.attempts {
        let (delay, fail) = {
            let mut f = lock(&shared.faults);
            let delay = if f.delay_remaining > 0 {
                f.delay_remaining -= 1;
                Some(f.delay_ms)
            } else {
                None
            };
            let fail = if f.fail_remaining > 0 {
                f.fail_remaining -= 1;
                true
            } else {
                false
            };
            (delay, fail)
        };
        if let Some(ms) = delay {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        let (status, error) = if fail {
            (
                None,
                Some("connection refused (simulated webhook fault)".to_string()),
            )
        } else {
            let sig = sign(secret, shared.clock.now(), &body);
            let sent = shared
                .client
                .post(url)
                .header("content-type", "application/json; charset=utf-8")
                .header("stripe-signature", sig)
                .header(
                    "user-agent",
                    "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                )
                .body(body.clone())
                .send()
                .await;
            match sent {
                Ok(resp) => {
                    let status = resp.status();
                    // Drain the body so the connection can be reused.
                    let _ = resp.bytes().await;
                    let err = (!status.is_success()).then(|| format!("HTTP {}", status.as_u16()));
                    (Some(status.as_u16()), err)
                }
                Err(e) => (None, Some(e.to_string())),
            }
        };
        let ok = status.is_some_and(|s| (200..300).contains(&s));
        lock(&shared.deliveries).push(Delivery {
            event_id: event_id.clone(),
            event_type: event_type.clone(),
            attempt,
            status,
            error,
            delivered_at: shared.clock.now(),
        });
        if ok {
            return;
        }
        if attempt < shared.attempts {
            tracing::debug!(event_id, attempt, "webhook delivery failed; retrying");
            tokio::time::sleep(shared.retry_base * 2u32.pow(attempt - 1)).await;
        } else {
            tracing::warn!(
                event_id,
                attempts = shared.attempts,
                "webhook delivery failed every attempt; giving up"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_known_vector() {
        // HMAC-SHA256("whsec_test", "1700000000.{}") computed independently.
        let header = sign("whsec_test", 1_700_000_000, "{}");
        assert!(header.starts_with("t=1700000000,v1="));
        let hexsig = &header["t=1700000000,v1=".len()..];
        assert_eq!(
            hexsig,
            "35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91"
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(b"whsec_test").unwrap();
        mac.update(b"1700000000.{}");
        assert!(mac.verify_slice(&hex::decode(hexsig).unwrap()).is_ok());
        assert_ne!(sign("other", 1_700_000_000, "{}"), header);
    }
}
