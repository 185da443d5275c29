//! Account updates (payout schedule, statement descriptor prefix) and Express login links.

use stripe_connect::account::{
    RetrieveAccount, UpdateAccount, UpdateAccountSettings, UpdateAccountSettingsPayouts,
    UpdateAccountSettingsPayoutsSchedule, UpdateAccountSettingsPayoutsScheduleInterval,
};
use stripe_connect::login_link::CreateAccountLoginLink;
use stripe_webhook::EventObject;

use crate::common::start;

#[tokio::test]
async fn payout_schedule_and_prefix() {
    let h = start(None).await;
    let acct = h.onboarded_account().await;

    // Weekly through the client: Stripe's default anchor is monday.
    let a = UpdateAccount::new(acct.as_str())
        .settings(UpdateAccountSettings {
            payouts: Some(UpdateAccountSettingsPayouts {
                schedule: Some(UpdateAccountSettingsPayoutsSchedule {
                    interval: Some(UpdateAccountSettingsPayoutsScheduleInterval::Weekly),
                    ..UpdateAccountSettingsPayoutsSchedule::new()
                }),
                ..UpdateAccountSettingsPayouts::new()
            }),
            ..UpdateAccountSettings::new()
        })
        .send(&h.client)
        .await
        .unwrap();
    let schedule = a.settings.unwrap().payouts.unwrap().schedule;
    assert_eq!(schedule.interval, "weekly");
    assert_eq!(schedule.weekly_anchor.as_deref(), Some("monday"));
    let ev = h.sim.events().last().unwrap().clone();
    assert_eq!(ev["type"], "account.updated");
    assert_eq!(ev["account"], acct.as_str());
    assert_eq!(
        ev["data"]["previous_attributes"]["settings"]["payouts"]["schedule"]["interval"],
        "daily"
    );

    // Monthly (anchor 1 by default), then manual; the prefix.
    let (s, _, a) = h
        .post(
            &format!("/v1/accounts/{acct}"),
            "settings[payouts][schedule][interval]=monthly&settings[card_payments][statement_descriptor_prefix]=YOGA",
        )
        .await;
    assert_eq!(s, 200, "{a}");
    assert_eq!(a["settings"]["payouts"]["schedule"]["interval"], "monthly");
    assert_eq!(a["settings"]["payouts"]["schedule"]["monthly_anchor"], 1);
    assert!(a["settings"]["payouts"]["schedule"]["weekly_anchor"].is_null());
    let (s, _, a) = h
        .post(
            &format!("/v1/accounts/{acct}"),
            "settings[payouts][schedule][interval]=weekly&settings[payouts][schedule][weekly_anchor]=friday",
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        a["settings"]["payouts"]["schedule"]["weekly_anchor"],
        "friday"
    );
    let (s, _, _) = h
        .post(
            &format!("/v1/accounts/{acct}"),
            "settings[payouts][schedule][interval]=manual",
        )
        .await;
    assert_eq!(s, 200);
    let a = RetrieveAccount::new(acct.as_str())
        .send(&h.client)
        .await
        .unwrap();
    let settings = a.settings.unwrap();
    assert_eq!(settings.payouts.unwrap().schedule.interval, "manual");
    assert_eq!(
        settings
            .card_payments
            .statement_descriptor_prefix
            .as_deref(),
        Some("YOGA")
    );

    // Invalid values are refused with the param named; nothing changes.
    for (form, param) in [
        (
            "settings[payouts][schedule][interval]=hourly",
            "settings[payouts][schedule][interval]",
        ),
        (
            "settings[payouts][schedule][interval]=weekly&settings[payouts][schedule][weekly_anchor]=someday",
            "settings[payouts][schedule][weekly_anchor]",
        ),
        (
            "settings[card_payments][statement_descriptor_prefix]=Y",
            "settings[card_payments][statement_descriptor_prefix]",
        ),
        (
            "settings[card_payments][statement_descriptor_prefix]=12345",
            "settings[card_payments][statement_descriptor_prefix]",
        ),
        (
            "settings[card_payments][statement_descriptor_prefix]=YO%2AGA",
            "settings[card_payments][statement_descriptor_prefix]",
        ),
        (
            "settings[card_payments][statement_descriptor_prefix]=TOOLONGPREFIX",
            "settings[card_payments][statement_descriptor_prefix]",
        ),
        (
            "settings[payments][statement_descriptor_prefix]=YOGA",
            "settings[payments][statement_descriptor_prefix]",
        ),
    ] {
        let (s, _, err) = h.post(&format!("/v1/accounts/{acct}"), form).await;
        assert_eq!(s, 400, "{form}");
        assert_eq!(err["error"]["type"], "invalid_request_error");
        assert_eq!(err["error"]["param"], param, "{form}");
    }
    let (_, a) = h.get(&format!("/v1/accounts/{acct}")).await;
    assert_eq!(a["settings"]["payouts"]["schedule"]["interval"], "manual");

    // Every account.updated parses into async-stripe's Account and is a Connect event.
    let updates: Vec<_> = h
        .parsed_events()
        .into_iter()
        .filter(|e| matches!(e.data.object, EventObject::AccountUpdated(_)))
        .collect();
    assert_eq!(updates.len(), 5); // onboarding + 4 updates
    assert!(updates
        .iter()
        .all(|e| e.account.as_deref() == Some(acct.as_str())));
    let (s, _, _) = h.post("/v1/accounts/acct_nope", "metadata[a]=b").await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn login_link_opens_the_simulated_dashboard() {
    let h = start(None).await;
    let (_, _, fresh) = h.post("/v1/accounts", "type=express").await;
    let fresh = fresh["id"].as_str().unwrap();
    let (s, _, err) = h
        .post(&format!("/v1/accounts/{fresh}/login_links"), "")
        .await;
    assert_eq!(s, 400);
    assert_eq!(err["error"]["type"], "invalid_request_error");

    let acct = h.onboarded_account().await;
    h.destination_charge(&acct, 10_000, Some(1_000)).await;
    let link = CreateAccountLoginLink::new(acct.as_str())
        .send(&h.client)
        .await
        .unwrap();
    assert!(link.url.starts_with(&format!("{}/express/{acct}/", h.base)));
    assert!(link.created > 0);
    let page = h.http.get(&link.url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Express dashboard (simulated)"));
    assert!(html.contains("90.00 SEK"));
    assert!(html.contains("Test mode"));

    let bad = h
        .http
        .get(format!("{}/express/{acct}/nope", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 404);
}
