//! Health, readiness, metrics, the OpenAPI document and API 404s.

use crate::helpers::{json, spawn_app, Backend};
use crate::on_both_databases;

on_both_databases!(
    health_and_readiness,
    unknown_api_paths_are_json_404,
    openapi_document_lists_the_endpoints,
    metrics_count_requests,
    responses_carry_a_request_id_and_are_compressed,
    the_test_clock_hook_moves_the_server_clock,
);

async fn health_and_readiness(backend: Backend) {
    let app = spawn_app(backend).await;
    let health = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("request");
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.expect("body"), "ok");
    let ready = app
        .client
        .get(app.url("/readyz"))
        .send()
        .await
        .expect("request");
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.expect("body"), "ready");
}

async fn unknown_api_paths_are_json_404(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in ["/api/v1/no-such-thing", "/api/v1/sessions/x/y/z"] {
        let response = app.client.get(app.url(path)).send().await.expect("request");
        assert_eq!(response.status(), 404, "{path}");
        assert!(response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json")));
        assert_eq!(json(response).await["error"]["code"], "not_found");
    }
}

async fn openapi_document_lists_the_endpoints(backend: Backend) {
    let app = spawn_app(backend).await;
    let doc = json(
        app.client
            .get(app.url("/api/v1/openapi.json"))
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    for path in [
        "/api/v1/auth/signup",
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/teachers",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
}

async fn metrics_count_requests(backend: Backend) {
    let app = spawn_app(backend).await;
    app.client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("request");
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body");
    assert!(
        text.lines()
            .any(|l| l.starts_with("http_requests_total{") && l.contains("route=\"/healthz\"")),
        "{text}"
    );
    assert!(
        text.contains("http_request_duration_seconds_bucket"),
        "{text}"
    );
}

async fn responses_carry_a_request_id_and_are_compressed(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .bare_client()
        .get(app.url("/"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("x-request-id").is_some());
    assert_eq!(
        response
            .headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok()),
        Some("gzip")
    );
}

/// `/_test/clock` (simulated payments, not production) moves the clock every
/// rule reads; DELETE returns it to real time; a bad body is a JSON 422.
async fn the_test_clock_hook_moves_the_server_clock(backend: Backend) {
    let app = spawn_app(backend).await;
    let before = app.state.clock.now();
    let moved = app
        .client
        .post(app.url("/_test/clock"))
        .json(&serde_json::json!({"advance_seconds": 86_400}))
        .send()
        .await
        .expect("request");
    assert_eq!(moved.status(), 200);
    assert_eq!(json(moved).await["offset_seconds"], 86_400);
    assert!(app.state.clock.now() >= before + 86_400);

    let set = app
        .client
        .post(app.url("/_test/clock"))
        .json(&serde_json::json!({"set": "2027-03-28T00:59:00Z"}))
        .send()
        .await
        .expect("request");
    assert_eq!(set.status(), 200);
    let at = chrono::DateTime::parse_from_rfc3339("2027-03-28T00:59:00Z")
        .expect("instant")
        .timestamp();
    assert!((at..at + 5).contains(&app.state.clock.now()));

    let both = app
        .client
        .post(app.url("/_test/clock"))
        .json(&serde_json::json!({"advance_seconds": 1, "set": "2027-03-28T00:59:00Z"}))
        .send()
        .await
        .expect("request");
    assert_eq!(both.status(), 422);
    assert_eq!(json(both).await["error"]["code"], "validation");

    let reset = app
        .client
        .delete(app.url("/_test/clock"))
        .send()
        .await
        .expect("request");
    assert_eq!(reset.status(), 200);
    assert_eq!(app.state.clock.offset_secs(), 0);
}
