//! The processes of a chaos run: one `server stripe-sim`, two `server serve`
//! instances on one PostgreSQL database, and a round-robin proxy (in this
//! process) that hands the simulator's webhooks to the instances in turn,
//! whether or not the next one is up. An instance is killed with SIGKILL
//! (`Child::kill`) and started again on its port while the load runs.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;

/// The simulator's secret key (the instances accept it in simulated mode).
pub const SIM_SECRET_KEY: &str = "sk_test_aveli_simulated";
/// One webhook signing secret shared by the simulator and both instances.
const WEBHOOK_SECRET: &str = "whsec_chaos_shared_secret_0123456789";

pub struct Instance {
    pub origin: String,
    addr: SocketAddr,
    child: Mutex<Option<Child>>,
}

pub struct Cluster {
    /// The simulator's API base (`…/_sim/stripe`).
    pub sim: String,
    pub instances: Vec<Instance>,
    pub kills: AtomicUsize,
    sim_child: Mutex<Option<Child>>,
    env: Vec<(String, String)>,
    logs: PathBuf,
}

/// A port that was free a moment ago.
fn free_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("address")
}

fn spawn(env: &[(String, String)], args: &[&str], log: &Path) -> Child {
    let out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("log file");
    let err = out.try_clone().expect("log file");
    Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("start the server binary")
}

/// Waits until `url` answers (with a success when `success` is set).
async fn wait_answering(client: &reqwest::Client, url: &str, success: bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(response) = client.get(url).send().await {
            if !success || response.status().is_success() {
                return;
            }
        }
        assert!(Instant::now() < deadline, "{url} did not answer in 60 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

impl Cluster {
    /// Starts the simulator, the proxy and the two instances (one after the
    /// other: the database is migrated already, the second starts warm).
    pub async fn start(database_url: &str, dir: &Path, client: &reqwest::Client) -> Arc<Cluster> {
        let sim_addr = free_port();
        let proxy = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port for the proxy");
        let proxy_url = format!(
            "http://{}/webhooks/stripe",
            proxy.local_addr().expect("address")
        );
        let addrs = [free_port(), free_port()];
        let env: Vec<(String, String)> = [
            ("APP_ENV", "development".to_owned()),
            ("DATABASE_URL", database_url.to_owned()),
            ("DATA_DIR", dir.join("data").display().to_string()),
            ("STRIPE_SIM_URL", format!("http://{sim_addr}")),
            ("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET.to_owned()),
            // The reconciliation runs every few seconds and looks at orders
            // older than 8 s, so that it acts within the run.
            ("RECONCILE_EVERY_SECONDS", "3".to_owned()),
            ("RECONCILE_GRACE_SECONDS", "8".to_owned()),
            ("RUST_LOG", "warn".to_owned()),
            ("LOG_FORMAT", "json".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let logs = dir.join("logs");
        std::fs::create_dir_all(&logs).expect("log dir");
        let sim_child = spawn(
            &env,
            &[
                "stripe-sim",
                "--addr",
                &sim_addr.to_string(),
                "--webhook-url",
                &proxy_url,
                "--retry-compression",
                "1000",
            ],
            &logs.join("stripe-sim.log"),
        );
        let instances: Vec<Instance> = addrs
            .iter()
            .map(|addr| Instance {
                origin: format!("http://{addr}"),
                addr: *addr,
                child: Mutex::new(None),
            })
            .collect();
        let backends: Vec<String> = instances.iter().map(|i| i.origin.clone()).collect();
        tokio::spawn(proxy_webhooks(proxy, backends, client.clone()));
        let cluster = Arc::new(Cluster {
            sim: format!("http://{sim_addr}/_sim/stripe"),
            instances,
            kills: AtomicUsize::new(0),
            sim_child: Mutex::new(Some(sim_child)),
            env,
            logs,
        });
        wait_answering(client, &format!("{}/v1/events", cluster.sim), false).await;
        for index in 0..cluster.instances.len() {
            cluster.launch(index);
            let health = format!("{}/healthz", cluster.instances[index].origin);
            wait_answering(client, &health, true).await;
        }
        cluster
    }

    fn launch(&self, index: usize) {
        let instance = &self.instances[index];
        let mut env = self.env.clone();
        env.push(("LEPTOS_SITE_ADDR".into(), instance.addr.to_string()));
        env.push(("PUBLIC_URL".into(), instance.origin.clone()));
        let log = self.logs.join(format!("instance-{index}.log"));
        let child = spawn(&env, &["serve"], &log);
        *lock(&instance.child) = Some(child);
    }

    /// `kill -9` of one instance, then the same instance again on its port.
    pub async fn kill_and_restart(&self, index: usize, client: &reqwest::Client) {
        if let Some(mut child) = lock(&self.instances[index].child).take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.kills.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(800)).await;
        self.launch(index);
        let health = format!("{}/healthz", self.instances[index].origin);
        wait_answering(client, &health, true).await;
    }

    /// The ERROR lines and panics the processes logged, for a failure's report.
    pub fn error_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Ok(entries) = std::fs::read_dir(&self.logs) {
            for entry in entries.flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                let name = entry.file_name().to_string_lossy().into_owned();
                lines.extend(
                    text.lines()
                        .filter(|l| {
                            l.contains("\"ERROR\"")
                                || l.contains("\"WARN\"")
                                || l.contains("panicked")
                        })
                        .map(|l| format!("{name}: {}", l.chars().take(400).collect::<String>())),
                );
            }
        }
        lines
    }

    pub fn stop(&self) {
        let children = self
            .instances
            .iter()
            .filter_map(|i| lock(&i.child).take())
            .chain(lock(&self.sim_child).take());
        for mut child in children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

struct Proxy {
    backends: Vec<String>,
    next: AtomicUsize,
    client: reqwest::Client,
}

/// Round robin without health checks: a delivery that meets a killed
/// instance gets a 502, and the simulator retries it as Stripe would.
async fn proxy_webhooks(
    listener: tokio::net::TcpListener,
    backends: Vec<String>,
    client: reqwest::Client,
) {
    let proxy = Arc::new(Proxy {
        backends,
        next: AtomicUsize::new(0),
        client,
    });
    let router = axum::Router::new().fallback(forward).with_state(proxy);
    let _ = axum::serve(listener, router).await;
}

async fn forward(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    let backend = &proxy.backends[proxy.next.fetch_add(1, Ordering::SeqCst) % proxy.backends.len()];
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 4 << 20).await else {
        return status_only(400);
    };
    let path = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let mut outgoing = proxy
        .client
        .request(parts.method, format!("{backend}{path}"))
        .body(body);
    for (name, value) in &parts.headers {
        if name != axum::http::header::HOST && name != axum::http::header::CONTENT_LENGTH {
            outgoing = outgoing.header(name, value);
        }
    }
    match outgoing.send().await {
        Ok(answer) => {
            let status = answer.status().as_u16();
            let bytes = answer.bytes().await.unwrap_or_default();
            Response::builder()
                .status(status)
                .body(Body::from(bytes))
                .unwrap_or_else(|_| status_only(502))
        }
        Err(_) => status_only(502),
    }
}

fn status_only(status: u16) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() =
        axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::BAD_GATEWAY);
    response
}
