//! Health, readiness, metrics, the OpenAPI document and API 404s.

use crate::helpers::{json, spawn_app, Backend};
use crate::on_both_databases;

on_both_databases!(
    health_and_readiness,
    unknown_api_paths_are_json_404,
    openapi_document_lists_the_endpoints,
    every_operation_documents_its_errors_and_answers_them_in_json,
    metrics_count_requests,
    responses_carry_a_request_id_and_are_compressed,
    the_test_clock_hook_moves_the_server_clock,
);

async fn health_and_readiness(backend: Backend) {
    let app = spawn_app(backend).await;
    let health = app.get(&app.client, "/healthz").await;
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.expect("body"), "ok");
    let ready = app.get(&app.client, "/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.expect("body"), "ready");
}

async fn unknown_api_paths_are_json_404(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in ["/api/v1/no-such-thing", "/api/v1/sessions/x/y/z"] {
        let response = app.get(&app.client, path).await;
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
    let doc = app.get_json(&app.client, "/api/v1/openapi.json").await;
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

/// The statuses the extractors and layers can give are in the document for
/// every operation (`api/openapi.rs`), with the JSON error, and a bad query
/// answers with that JSON error (it was axum's 400 in plain text).
async fn every_operation_documents_its_errors_and_answers_them_in_json(backend: Backend) {
    let app = spawn_app(backend).await;
    let doc = app.get_json(&app.client, "/api/v1/openapi.json").await;
    let paths = doc["paths"].as_object().expect("paths");
    let mut operations = 0;
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("path item") {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            operations += 1;
            let responses = &operation["responses"];
            let listed = |status: &str| responses[status].is_object();
            let at = format!("{method} {path}");
            assert!(listed("500"), "{at} lists 500");
            if method != "get" {
                assert!(listed("403"), "{at} lists 403 (cross-site)");
            }
            if path.contains('{') {
                assert!(listed("404") && listed("422"), "{at} lists 404 and 422");
            }
            if operation["requestBody"].is_object() {
                assert!(listed("422"), "{at} lists 422 for its body");
            }
            for (status, response) in responses.as_object().expect("responses") {
                if status.starts_with('4') || status.starts_with('5') {
                    assert_eq!(
                        response["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorBody",
                        "{at} {status} is the JSON error"
                    );
                }
            }
        }
    }
    assert!(operations >= 28, "{operations} operations");
    assert!(paths["/api/v1/studio/slots/{id}"]["patch"]["responses"]["404"].is_object());
    let moon = paths["/api/v1/moon"]["get"]["parameters"]
        .as_array()
        .expect("parameters");
    assert!(moon.iter().all(|p| p["schema"]["format"] == "date-time"));

    for query in ["", "?from=2000-01-01T00:00:00Z", "?from=x%00&to=y"] {
        let refused = app.get(&app.client, &format!("/api/v1/moon{query}")).await;
        assert_eq!(refused.status(), 422, "{query}");
        assert_eq!(json(refused).await["error"]["code"], "validation");
    }
}

async fn metrics_count_requests(backend: Backend) {
    let app = spawn_app(backend).await;
    app.get(&app.client, "/healthz").await;
    let text = app
        .get(&app.client, "/metrics")
        .await
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
