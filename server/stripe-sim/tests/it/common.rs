use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use serde_json::Value;
use stripe_sim::{router, SimClock, SimConfig, Simulator};
use tokio::net::TcpListener;

pub const SK: &str = "sk_test_simulator_secret";
pub const PK: &str = "pk_test_simulator_publishable";
pub const WHSEC: &str = "whsec_platform_secret";
pub const WHSEC_CONNECT: &str = "whsec_connect_secret";

pub struct Harness {
    pub base: String,
    pub sim: Simulator,
    pub client: stripe::Client,
    pub http: reqwest::Client,
}

pub async fn start(webhook_url: Option<String>) -> Harness {
    start_with_clock(webhook_url, SimClock::default()).await
}

/// Like [`start`], with the simulator reading `clock`.
pub async fn start_with_clock(webhook_url: Option<String>, clock: SimClock) -> Harness {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let sim = Simulator::new(SimConfig {
        public_base: format!("http://{addr}"),
        secret_key: SK.into(),
        publishable_key: PK.into(),
        webhook_url,
        webhook_secret: WHSEC.into(),
        connect_webhook_secret: WHSEC_CONNECT.into(),
        webhook_retry_base: Duration::from_millis(20),
        webhook_attempts: 5,
        clock,
    });
    let app = router(sim.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = stripe::ClientBuilder::new(SK)
        .url(format!("http://{addr}/"))
        .build()
        .unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Harness {
        base: format!("http://{addr}"),
        sim,
        client,
        http,
    }
}

impl Harness {
    /// POST a form with the secret key; returns (status, headers, json).
    pub async fn post(&self, path: &str, form: &str) -> (u16, reqwest::header::HeaderMap, Value) {
        self.post_with(path, form, &[]).await
    }

    pub async fn post_with(
        &self,
        path: &str,
        form: &str,
        headers: &[(&str, &str)],
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(SK)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_string());
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let h = resp.headers().clone();
        let text = resp.text().await.unwrap();
        (
            status,
            h,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(SK)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap())
    }

    /// An Express account that finished onboarding (via the test helper).
    pub async fn onboarded_account(&self) -> String {
        let (s, _, acct) = self
            .post(
                "/v1/accounts",
                "type=express&country=SE&email=t%40example.com",
            )
            .await;
        assert_eq!(s, 200);
        let id = acct["id"].as_str().unwrap().to_string();
        let (s, _, a) = self
            .post(&format!("/v1/test_helpers/accounts/{id}/onboard"), "")
            .await;
        assert_eq!(s, 200);
        assert_eq!(a["charges_enabled"], true);
        id
    }

    /// GET with the secret key and a `Stripe-Account` header.
    pub async fn get_as(&self, path: &str, account: &str) -> (u16, Value) {
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(SK)
            .header("stripe-account", account)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap())
    }

    /// A succeeded destination charge of `amount` SEK to `acct` (with `fee` as
    /// `application_fee_amount`); returns (PaymentIntent id, Charge).
    pub async fn destination_charge(
        &self,
        acct: &str,
        amount: i64,
        fee: Option<i64>,
    ) -> (String, Value) {
        let fee = fee
            .map(|f| format!("&application_fee_amount={f}"))
            .unwrap_or_default();
        let (s, _, pi) = self
            .post(
                "/v1/payment_intents",
                &format!("amount={amount}&currency=sek&transfer_data[destination]={acct}{fee}"),
            )
            .await;
        assert_eq!(s, 200, "{pi}");
        let pi_id = pi["id"].as_str().unwrap().to_string();
        let (s, _, pi) = self
            .post(
                &format!("/v1/payment_intents/{pi_id}/confirm"),
                "payment_method=pm_card_visa",
            )
            .await;
        assert_eq!(s, 200, "{pi}");
        let ch = pi["latest_charge"].as_str().unwrap();
        let (s, charge) = self.get(&format!("/v1/charges/{ch}")).await;
        assert_eq!(s, 200);
        (pi_id, charge)
    }

    /// The types of the events recorded so far, oldest first.
    pub fn event_types(&self) -> Vec<String> {
        self.sim
            .events()
            .iter()
            .map(|e| e["type"].as_str().unwrap().to_string())
            .collect()
    }

    /// Every recorded event, signed with the secret its `account` calls for, parses with
    /// async-stripe's webhook parser (which deserializes `data.object` into its typed object).
    pub fn parsed_events(&self) -> Vec<stripe_webhook::Event> {
        let now = chrono::Utc::now().timestamp();
        self.sim
            .events()
            .iter()
            .map(|e| {
                let body = e.to_string();
                let secret = if e["account"].is_string() {
                    WHSEC_CONNECT
                } else {
                    WHSEC
                };
                let sig = stripe_sim::sign(secret, now, &body);
                stripe_webhook::Webhook::construct_event(&body, &sig, secret)
                    .unwrap_or_else(|err| panic!("{} does not parse: {err:?}", e["type"]))
            })
            .collect()
    }

    pub async fn wait_idle(&self) {
        for _ in 0..500 {
            let (_, v) = self.get("/v1/test_helpers/webhooks/idle").await;
            if v["idle"] == true {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("webhooks never became idle");
    }
}

#[derive(Clone, Debug)]
pub struct Received {
    pub signature: String,
    pub body: String,
}

pub struct Receiver {
    pub url: String,
    pub got: Arc<Mutex<Vec<Received>>>,
    /// Status codes to answer with, in order; 200 once exhausted.
    pub script: Arc<Mutex<Vec<u16>>>,
}

impl Receiver {
    pub fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    pub fn types(&self) -> Vec<String> {
        self.received()
            .iter()
            .map(|r| {
                let v: Value = serde_json::from_str(&r.body).unwrap();
                v["type"].as_str().unwrap().to_string()
            })
            .collect()
    }
}

pub async fn receiver() -> Receiver {
    let got: Arc<Mutex<Vec<Received>>> = Arc::default();
    let script: Arc<Mutex<Vec<u16>>> = Arc::default();
    let (g, s) = (got.clone(), script.clone());
    let app = Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: String| {
            let g = g.clone();
            let s = s.clone();
            async move {
                let sig = headers
                    .get("stripe-signature")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                g.lock().unwrap().push(Received {
                    signature: sig,
                    body,
                });
                let code = {
                    let mut s = s.lock().unwrap();
                    if s.is_empty() {
                        200
                    } else {
                        s.remove(0)
                    }
                };
                StatusCode::from_u16(code).unwrap()
            }
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Receiver {
        url: format!("http://{addr}/hook"),
        got,
        script,
    }
}
