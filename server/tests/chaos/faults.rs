//! The faults of a chaos run, armed at the simulator: Stripe's API fails at
//! random, and webhook deliveries are duplicated, reordered, delayed and
//! refused, until the load is over.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::Value;

use crate::cluster::SIM_SECRET_KEY;
use crate::Run;

/// Stripe fails about 30 % of calls until `stop`; the webhook faults are
/// re-armed every second so that they last the whole load.
pub async fn faults(run: &Run, stop: &AtomicBool) -> u64 {
    for (kind, rate) in [("500", "0.13"), ("429", "0.13"), ("timeout", "0.05")] {
        let status = run
            .sim_post_raw(
                "/v1/test_helpers/faults",
                &[
                    ("kind", kind),
                    ("count", "10000"),
                    ("rate", rate),
                    ("delay_ms", "11000"),
                ],
            )
            .await;
        assert_eq!(status, 200, "arm the {kind} faults");
    }
    while !stop.load(Ordering::SeqCst) {
        for (mode, count) in [
            ("duplicate", "2"),
            ("reorder", "3"),
            ("delay", "1"),
            ("fail", "1"),
        ] {
            run.sim_post_raw(
                "/v1/test_helpers/webhooks/faults",
                &[("mode", mode), ("count", count), ("delay_ms", "700")],
            )
            .await;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    // A fault of count 0 is not added: its answer lists what is pending.
    let left: Value = match run
        .client
        .post(format!("{}/v1/test_helpers/faults", run.cluster.sim))
        .bearer_auth(SIM_SECRET_KEY)
        .form(&[("kind", "500"), ("count", "0")])
        .send()
        .await
    {
        Ok(answer) => answer.json().await.unwrap_or(Value::Null),
        Err(_) => Value::Null,
    };
    for path in [
        "/v1/test_helpers/faults",
        "/v1/test_helpers/webhooks/faults",
    ] {
        let _ = run
            .client
            .delete(format!("{}{path}", run.cluster.sim))
            .bearer_auth(SIM_SECRET_KEY)
            .send()
            .await;
    }
    // What the three standing faults had left of their counts: the rest failed calls.
    let remaining: u64 = left["pending"]
        .as_array()
        .map(|faults| {
            faults
                .iter()
                .filter(|f| f["path"].is_null())
                .filter_map(|f| f["remaining"].as_u64())
                .sum()
        })
        .unwrap_or(0);
    3 * 10_000 - remaining
}
