//! `/metrics`: request counts and latency in the Prometheus text format, counted by a middleware.
//! A handful of atomics is all this needs; no metrics library.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Instant;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 8] = [0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Default)]
pub struct Metrics {
    in_flight: AtomicI64,
    /// Responses by status class: 1xx..5xx.
    by_class: [AtomicU64; 5],
    buckets: [AtomicU64; 8],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

static METRICS: std::sync::LazyLock<Metrics> = std::sync::LazyLock::new(Metrics::default);
static STARTED: std::sync::LazyLock<std::time::SystemTime> =
    std::sync::LazyLock::new(std::time::SystemTime::now);

pub async fn track(req: Request, next: Next) -> Response {
    let m = &*METRICS;
    m.in_flight.fetch_add(1, Ordering::Relaxed);
    let start = Instant::now();
    let response = next.run(req).await;
    let elapsed = start.elapsed();
    m.in_flight.fetch_sub(1, Ordering::Relaxed);
    let class = (response.status().as_u16() / 100).clamp(1, 5) as usize - 1;
    m.by_class[class].fetch_add(1, Ordering::Relaxed);
    let secs = elapsed.as_secs_f64();
    for (i, bound) in BUCKETS.iter().enumerate() {
        if secs <= *bound {
            m.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
    }
    m.count.fetch_add(1, Ordering::Relaxed);
    m.sum_micros
        .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    response
}

/// Records the process start time; called once when the server starts.
pub fn mark_start() {
    std::sync::LazyLock::force(&STARTED);
}

pub async fn render() -> impl IntoResponse {
    let m = &*METRICS;
    let mut out = String::new();
    out.push_str("# HELP yizhan_http_requests_total HTTP responses by status class.\n");
    out.push_str("# TYPE yizhan_http_requests_total counter\n");
    for (i, counter) in m.by_class.iter().enumerate() {
        out.push_str(&format!(
            "yizhan_http_requests_total{{class=\"{}xx\"}} {}\n",
            i + 1,
            counter.load(Ordering::Relaxed)
        ));
    }
    out.push_str("# HELP yizhan_http_in_flight Requests being served now.\n");
    out.push_str("# TYPE yizhan_http_in_flight gauge\n");
    out.push_str(&format!(
        "yizhan_http_in_flight {}\n",
        m.in_flight.load(Ordering::Relaxed)
    ));
    out.push_str("# HELP yizhan_http_request_duration_seconds Time to produce a response.\n");
    out.push_str("# TYPE yizhan_http_request_duration_seconds histogram\n");
    for (i, bound) in BUCKETS.iter().enumerate() {
        out.push_str(&format!(
            "yizhan_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {}\n",
            m.buckets[i].load(Ordering::Relaxed)
        ));
    }
    let count = m.count.load(Ordering::Relaxed);
    out.push_str(&format!(
        "yizhan_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}\n"
    ));
    out.push_str(&format!(
        "yizhan_http_request_duration_seconds_sum {}\n",
        m.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
    ));
    out.push_str(&format!(
        "yizhan_http_request_duration_seconds_count {count}\n"
    ));
    let started = STARTED
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    out.push_str("# HELP yizhan_start_time_seconds When this server process started.\n");
    out.push_str("# TYPE yizhan_start_time_seconds gauge\n");
    out.push_str(&format!("yizhan_start_time_seconds {started}\n"));
    out.push_str("# HELP yizhan_build_info Version of the running server.\n");
    out.push_str("# TYPE yizhan_build_info gauge\n");
    out.push_str(&format!(
        "yizhan_build_info{{version=\"{}\"}} 1\n",
        env!("CARGO_PKG_VERSION")
    ));
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
}
