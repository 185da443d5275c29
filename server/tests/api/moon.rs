//! `GET /api/v1/moon`.

use crate::helpers::{spawn_app, Backend};
use crate::on_both_databases;

on_both_databases!(moon_phases_and_daily_fractions);

async fn moon_phases_and_daily_fractions(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = app
        .get_json(
            &app.client,
            "/api/v1/moon?from=2000-01-01T00:00:00Z&to=2000-02-01T00:00:00Z",
        )
        .await;
    let phases = body["phases"].as_array().expect("phases");
    let names: Vec<&str> = phases.iter().filter_map(|p| p["phase"].as_str()).collect();
    assert_eq!(names, ["new", "first_quarter", "full", "last_quarter"]);
    // Full moon of 2000-01-21 04:40 UTC (Espenak's catalogue).
    let full = phases[2]["at"].as_str().expect("at");
    assert!(full.starts_with("2000-01-21T04:4"), "{full}");
    let days = body["days"].as_array().expect("days");
    assert_eq!(days.len(), 31);
    assert_eq!(days[0]["at"], "2000-01-01T12:00:00Z");
    let on_full = days[20]["illuminated"].as_f64().expect("fraction");
    assert!(on_full > 0.98, "{on_full}");

    let bad = app
        .get(
            &app.client,
            "/api/v1/moon?from=2000-01-01T00:00:00Z&to=2003-01-01T00:00:00Z",
        )
        .await;
    assert_eq!(bad.status(), 422);
}
