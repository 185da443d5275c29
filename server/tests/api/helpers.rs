//! `spawn_app`: a real server on a free port with its own new database.

use std::path::PathBuf;

use server::config::Config;
use server::startup::Application;

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates one `#[tokio::test]` per database for each listed
/// `async fn name(backend: Backend)`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            )*
        }
    };
}

pub struct TestApp {
    pub address: String,
    /// The test's own database, for arranging states the API cannot reach yet.
    pub db: app::backend::Db,
    /// The server's own state, for calling backend services directly.
    pub state: app::backend::AppState,
    /// Keeps cookies, like a browser.
    pub client: reqwest::Client,
    /// The simulated Stripe's base: this server's `/_sim/stripe`, or a
    /// `server stripe-sim` process shared by several instances.
    pub sim_base: String,
    /// Settings the app was started with, for a second instance.
    settings: Vec<(String, String)>,
    /// Removes the database when the first instance goes.
    _db: Option<std::sync::Arc<TestDb>>,
}

pub const PASSWORD: &str = "correct horse battery";

impl TestApp {
    /// Moves the server's clock (and so every rule that reads the time) forward.
    pub fn advance_clock(&self, secs: i64) {
        self.state.clock.advance(secs);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A client without a cookie jar, for Bearer-only requests.
    pub fn bare_client(&self) -> reqwest::Client {
        client_builder().build().expect("client")
    }

    /// GET `path` as `client`: a signed-in client, or `bare_client()` for a visitor.
    pub async fn get(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client.get(self.url(path)).send().await.expect("request")
    }

    /// A POST without a body to `path` as `client`.
    pub async fn post(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client.post(self.url(path)).send().await.expect("request")
    }

    /// [`Self::get`], read as text (a page's HTML).
    pub async fn get_text(&self, client: &reqwest::Client, path: &str) -> String {
        self.get(client, path).await.text().await.expect("body")
    }

    /// [`Self::get`], read as JSON.
    pub async fn get_json(&self, client: &reqwest::Client, path: &str) -> serde_json::Value {
        json(self.get(client, path).await).await
    }

    pub async fn signup(&self, email: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/auth/signup"))
            .json(&serde_json::json!({
                "email": email,
                "display_name": "Test Elev",
                "password": PASSWORD,
            }))
            .send()
            .await
            .expect("request")
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({ "email": email, "password": password }))
            .send()
            .await
            .expect("request")
    }
}

/// The simulated Stripe's keys and the webhook secrets the tests sign with.
pub const SIM_SECRET_KEY: &str = "sk_test_aveli_simulated";
pub const WEBHOOK_SECRET: &str = "whsec_test_platform";
pub const CONNECT_WEBHOOK_SECRET: &str = "whsec_test_connect";

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, &[]).await
}

/// The app with some settings of its own, e.g. `("MEMBERSHIP_TRIAL_DAYS", "14")`.
pub async fn spawn_app_with(backend: Backend, settings: &[(&str, &str)]) -> TestApp {
    let settings = settings
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    launch(std::sync::Arc::new(TestDb::new(backend)), settings).await
}

impl TestApp {
    /// Another instance of the app on the same database, with the same settings.
    pub async fn second_instance(&self) -> TestApp {
        let db = self
            ._db
            .clone()
            .expect("the first instance owns the database");
        launch(db, self.settings.clone()).await
    }
}

/// An app whose simulated Stripe is not its own: the routes of
/// `server stripe-sim` served on another port, as that process would, with
/// webhooks to this instance. `second_instance` shares it and the database.
pub async fn spawn_app_sharing_a_simulator(backend: Backend) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port for the simulator");
    let origin = format!("http://{}", listener.local_addr().expect("address"));
    let app = spawn_app_with(backend, &[("STRIPE_SIM_URL", &origin)]).await;
    let config = test_config(&app.settings, app.db_url(), &app.data_dir());
    let args = server::stripe_sim_process::SimArgs {
        addr: listener.local_addr().expect("address"),
        webhook_url: Some(app.url("/webhooks/stripe")),
        public_url: Some(origin.clone()),
        retry_compression: 1000,
    };
    let router =
        server::stripe_sim_process::router(&config, &args, &origin).expect("simulator routes");
    tokio::spawn(async move { axum::serve(listener, router).await });
    app
}

fn test_config(settings: &[(String, String)], url: &str, data_dir: &str) -> Config {
    Config::from_lookup(|key| {
        if let Some((_, value)) = settings.iter().find(|(k, _)| k == key) {
            return Some(value.clone());
        }
        default_setting(key, url, data_dir)
    })
    .expect("test config")
}

/// What every test app runs with.
fn default_setting(key: &str, url: &str, data_dir: &str) -> Option<String> {
    match key {
        "LEPTOS_SITE_ADDR" => Some("127.0.0.1:0".into()),
        "DATABASE_URL" => Some(url.to_owned()),
        "DATA_DIR" => Some(data_dir.to_owned()),
        "STRIPE_WEBHOOK_SECRET" => Some(WEBHOOK_SECRET.into()),
        "STRIPE_CONNECT_WEBHOOK_SECRET" => Some(CONNECT_WEBHOOK_SECRET.into()),
        "LEPTOS_SITE_ROOT" => Some(
            std::env::temp_dir()
                .join("aveli-no-site")
                .display()
                .to_string(),
        ),
        _ => None,
    }
}

/// How every test client starts: redirects are the tests' to follow, and a
/// request that gets no answer within a minute fails its test instead of
/// hanging the whole run.
pub fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(60))
}

async fn launch(test_db: std::sync::Arc<TestDb>, settings: Vec<(String, String)>) -> TestApp {
    let config = test_config(&settings, &test_db.url, &test_db.data_dir);
    let app = Application::build(&config).await.expect("the app starts");
    let address = format!("http://{}", app.addr());
    let db = app.state().db.clone();
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    let client = client_builder().cookie_store(true).build().expect("client");
    let sim_base = match settings.iter().find(|(k, _)| k == "STRIPE_SIM_URL") {
        Some((_, origin)) => format!("{origin}/_sim/stripe"),
        None => format!("{address}/_sim/stripe"),
    };
    TestApp {
        address,
        db,
        state,
        client,
        sim_base,
        settings,
        _db: Some(test_db),
    }
}

/// A database that exists for one test: a SQLite file in a temp directory,
/// or a uniquely named PostgreSQL database, removed on drop.
struct TestDb {
    url: String,
    /// A directory of the test's own for files the server writes.
    data_dir: String,
    sqlite_dir: Option<PathBuf>,
    postgres: Option<(String, String)>,
}

/// The PostgreSQL server the tests create their databases on.
fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

impl TestDb {
    fn new(backend: Backend) -> TestDb {
        let name = format!("aveli_test_{}", uuid::Uuid::now_v7().simple());
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(&name);
                std::fs::create_dir_all(&dir).expect("temp dir");
                TestDb {
                    url: format!("sqlite://{}/aveli.db", dir.display()),
                    data_dir: dir.join("data").display().to_string(),
                    sqlite_dir: Some(dir),
                    postgres: None,
                }
            }
            Backend::Postgres => {
                let admin = postgres_admin_url();
                let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
                TestDb {
                    url: format!("{base}/{name}"),
                    data_dir: std::env::temp_dir()
                        .join(format!("aveli-data-{}", uuid::Uuid::now_v7().simple()))
                        .display()
                        .to_string(),
                    sqlite_dir: None,
                    postgres: Some((admin, name)),
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = &self.sqlite_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((admin, name)) = self.postgres.take() {
            // Drop runs outside async; a short-lived runtime on its own thread
            // removes the database even when the test panicked.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                runtime
                    .block_on(async move {
                        use sqlx::Connection;
                        let mut conn = sqlx::PgConnection::connect(&admin).await?;
                        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut conn)
                            .await?;
                        Ok::<_, sqlx::Error>(())
                    })
                    .map_err(std::io::Error::other)
            })
            .join();
        }
    }
}

impl TestApp {
    /// A new signed-in teacher whose payout account is active (onboarded
    /// through the simulator and its `account.updated` webhook), so they may
    /// publish paid sessions.
    pub async fn new_teacher(&self) -> reqwest::Client {
        let client = self.new_teacher_without_payouts().await;
        self.onboard(&client).await;
        client
    }

    /// `{sim_base}{path}`: the simulated Stripe API.
    pub fn sim_url(&self, path: &str) -> String {
        format!("{}{}", self.sim_base, path)
    }

    fn db_url(&self) -> &str {
        self._db.as_ref().map_or("", |db| db.url.as_str())
    }

    fn data_dir(&self) -> String {
        self._db
            .as_ref()
            .map_or_else(String::new, |db| db.data_dir.clone())
    }

    /// A form POST to the simulator's API with the secret key.
    pub async fn sim_post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.bare_client()
            .post(self.sim_url(path))
            .bearer_auth(SIM_SECRET_KEY)
            .form(form)
            .send()
            .await
            .expect("simulator request")
    }

    /// A GET of the simulator's API with the secret key, read as JSON.
    pub async fn sim_get(&self, path: &str) -> serde_json::Value {
        self.bare_client()
            .get(self.sim_url(path))
            .bearer_auth(SIM_SECRET_KEY)
            .send()
            .await
            .expect("simulator request")
            .json()
            .await
            .expect("simulator json")
    }

    /// A DELETE of the simulator's API with the secret key.
    pub async fn sim_delete(&self, path: &str) -> reqwest::Response {
        self.bare_client()
            .delete(self.sim_url(path))
            .bearer_auth(SIM_SECRET_KEY)
            .send()
            .await
            .expect("simulator request")
    }

    /// Makes the simulator answer the next `count` calls to `path` with the
    /// fault `kind` (a status such as `500`, or `timeout`), after `delay_ms`.
    pub async fn stripe_fault(&self, kind: &str, count: &str, path: &str, delay_ms: Option<&str>) {
        let mut form = vec![("kind", kind), ("count", count), ("path", path)];
        if let Some(delay) = delay_ms {
            form.push(("delay_ms", delay));
        }
        let response = self.sim_post("/v1/test_helpers/faults", &form).await;
        assert_eq!(response.status(), 200, "{:?}", response.text().await);
    }

    /// Makes the simulator's next `count` webhook deliveries misbehave:
    /// `mode` is `delay`, `fail`, `duplicate` or `reorder`.
    pub async fn webhook_fault(&self, mode: &str, count: &str, delay_ms: Option<&str>) {
        let mut form = vec![("mode", mode), ("count", count)];
        if let Some(delay) = delay_ms {
            form.push(("delay_ms", delay));
        }
        let response = self
            .sim_post("/v1/test_helpers/webhooks/faults", &form)
            .await;
        assert_eq!(response.status(), 200, "{:?}", response.text().await);
    }

    /// Starts onboarding for the teacher behind `client` and returns the
    /// Connect account id and the hosted onboarding URL.
    pub async fn start_onboarding(&self, client: &reqwest::Client) -> (String, String) {
        let response = client
            .post(self.url("/api/v1/connect/onboarding"))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.expect("json");
        let url = body["url"].as_str().expect("url").to_owned();
        let account = url
            .split("/connect/onboarding/")
            .nth(1)
            .and_then(|rest| rest.split('?').next())
            .expect("an account id in the link")
            .to_owned();
        (account, url)
    }

    /// Completes onboarding with the simulator's test helper and waits until
    /// the `account.updated` webhook made the payout account active.
    pub async fn onboard(&self, client: &reqwest::Client) -> String {
        let (account, _) = self.start_onboarding(client).await;
        let response = self
            .sim_post(&format!("/v1/test_helpers/accounts/{account}/onboard"), &[])
            .await;
        assert_eq!(response.status(), 200);
        self.eventually(|| async {
            let status: serde_json::Value = client
                .get(self.url("/api/v1/connect/status"))
                .send()
                .await
                .expect("request")
                .json()
                .await
                .expect("json");
            status["state"] == "active"
        })
        .await;
        account
    }

    /// Waits until the simulator has delivered every webhook (or given it up)
    /// and the inbox has applied every stored event, within `secs`: one
    /// retried with back-off (it outran our own write) included.
    pub async fn webhooks_idle_within(&self, secs: u64) {
        self.eventually_within(secs, || async {
            self.sim_get("/v1/test_helpers/webhooks/idle").await["idle"] == true
        })
        .await;
        self.eventually_within(secs, || async {
            app::backend::webhooks::inbox::pending(&self.db)
                .await
                .expect("pending events")
                == 0
        })
        .await;
    }

    /// Waits until the webhook inbox has applied every stored event it can
    /// now (webhooks are stored at once and applied by its worker).
    pub async fn webhooks_settled(&self) {
        self.eventually(|| async {
            app::backend::webhooks::inbox::busy(&self.state)
                .await
                .expect("inbox")
                == 0
        })
        .await;
    }

    /// Waits (up to 10 s) until `check` holds: webhooks arrive asynchronously.
    pub async fn eventually<F, Fut>(&self, check: F)
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        self.eventually_within(10, check).await;
    }

    /// [`Self::eventually`] with a longer wait, for webhooks the simulator
    /// retries with backoff (a given-up event takes 7.5 s of retries).
    pub async fn eventually_within<F, Fut>(&self, secs: u64, check: F)
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        for _ in 0..secs * 20 {
            if check().await {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the condition did not hold within {secs} s");
    }

    /// A new signed-in user (own cookie jar) who has become a teacher.
    pub async fn new_teacher_without_payouts(&self) -> reqwest::Client {
        let client = self.new_user().await;
        let response = client
            .post(self.url("/api/v1/teachers"))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200);
        client
    }

    /// A new signed-in admin (the platform), made one as `server admin grant` does.
    pub async fn new_admin(&self) -> reqwest::Client {
        let client = self.new_user().await;
        let me = self.get_json(&client, "/api/v1/me").await;
        let email = me["email"].as_str().expect("email");
        app::backend::accounts::users::set_admin(&self.db, email, true, self.state.clock.now())
            .await
            .expect("grant admin");
        client
    }

    /// A new signed-in student with their own cookie jar.
    pub async fn new_user(&self) -> reqwest::Client {
        self.new_user_with_token().await.0
    }

    /// A new signed-in student and their session token (for calling backend
    /// services directly).
    pub async fn new_user_with_token(&self) -> (reqwest::Client, String) {
        let client = client_builder().cookie_store(true).build().expect("client");
        let response = client
            .post(self.url("/api/v1/auth/signup"))
            .json(&serde_json::json!({
                "email": unique_email(),
                "display_name": "Test Person",
                "password": PASSWORD,
            }))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 201);
        let token = json(response).await["token"]
            .as_str()
            .expect("token")
            .to_owned();
        (client, token)
    }
}

pub fn unique_email() -> String {
    format!("elev-{}@example.test", uuid::Uuid::now_v7().simple())
}

pub async fn json(response: reqwest::Response) -> serde_json::Value {
    response.json().await.expect("a JSON body")
}

// Selling and paying for a seat, as the checkout tests and others need it.

/// A published session of a payout-enabled teacher with one slot
/// `hours_ahead` from now; returns the slot id.
pub async fn slot_for_sale(
    app: &TestApp,
    price_cents: i64,
    capacity: i64,
    hours_ahead: i64,
) -> String {
    let teacher = app.new_teacher().await;
    slot_for_sale_by(app, &teacher, price_cents, capacity, hours_ahead).await
}

/// [`slot_for_sale`] of the given teacher.
pub async fn slot_for_sale_by(
    app: &TestApp,
    teacher: &reqwest::Client,
    price_cents: i64,
    capacity: i64,
    hours_ahead: i64,
) -> String {
    let session = teacher
        .post(app.url("/api/v1/studio/sessions"))
        .json(&serde_json::json!({
            "title": "Kvällsyoga",
            "description": "Mjuk yoga",
            "capacity": capacity,
            "price_cents": price_cents,
            "currency": "SEK",
            "visibility": "published",
            "recording_url": null,
        }))
        .send()
        .await
        .expect("request");
    assert_eq!(session.status(), 200);
    let session = json(session).await;
    let start = chrono::DurationRound::duration_trunc(
        chrono::Utc::now() + chrono::Duration::hours(hours_ahead),
        chrono::Duration::hours(1),
    )
    .expect("trunc")
        + chrono::Duration::hours(1);
    let slot = teacher
        .post(app.url(&format!(
            "/api/v1/studio/sessions/{}/slots",
            session["id"].as_str().expect("id")
        )))
        .json(&serde_json::json!({ "start_at": start, "end_at": start + chrono::Duration::minutes(60) }))
        .send()
        .await
        .expect("request");
    assert_eq!(slot.status(), 201);
    json(slot).await["id"].as_str().expect("slot id").to_owned()
}

pub async fn checkout(
    app: &TestApp,
    student: &reqwest::Client,
    slot_id: &str,
) -> reqwest::Response {
    student
        .post(app.url("/api/v1/checkout/session"))
        .json(&serde_json::json!({ "slot_id": slot_id }))
        .send()
        .await
        .expect("request")
}

pub fn intent_of(started: &serde_json::Value) -> String {
    let secret = started["client_secret"].as_str().expect("client secret");
    secret.split("_secret_").next().expect("pi id").to_owned()
}

pub async fn confirm(app: &TestApp, intent: &str, payment_method: &str) -> reqwest::Response {
    app.sim_post(
        &format!("/v1/payment_intents/{intent}/confirm"),
        &[("payment_method", payment_method)],
    )
    .await
}

/// Confirms the checkout `started` with `payment_method`; the simulator's status.
pub async fn pay(
    app: &TestApp,
    started: &serde_json::Value,
    payment_method: &str,
) -> reqwest::StatusCode {
    confirm(app, &intent_of(started), payment_method)
        .await
        .status()
}
