//! Guide and search pages kept ready to serve. They are the same for every visitor who is not
//! signed in (per language and elderly mode), are most of the portal's traffic, and cost a render,
//! a few queries and a compression each: a page made once is kept, compressed ahead of time, and
//! served again until the catalogue changes; every few seconds one request makes it again while
//! the others still get the kept one. A page nobody keeps yet is made by one request while the
//! others asking for it wait.
//!
//! A kept page cannot carry a per-response CSP nonce. Its inline scripts (the hydration loader and
//! the page's serialised data) are allowed by their SHA-256 hashes instead, which is stricter: only
//! those exact scripts run.

use app::backend::state::AppState;
use app::i18n::LANG_COOKIE;
use app::layouts::prefs::CARE_COOKIE;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How long a kept page is served before it is made again. Another instance of the portal does
/// not see this one's catalogue edits: there, an edit shows within about this time.
const FRESH_FOR: Duration = Duration::from_secs(10);
/// The most page bytes kept; past it, everything kept is dropped and made again as asked for.
const MOST_BYTES: usize = 16 << 20;
/// A page larger than this is served but not kept.
const LARGEST_PAGE: usize = 2 << 20;
/// How long a request waits for another one making the page it asks for, before making its own.
const WAIT_FOR_MAKING: Duration = Duration::from_secs(5);

/// Marks a request whose page is rendered to be kept: `http::page_context` then gives it no nonce.
#[derive(Clone, Copy)]
pub struct Keeping;

#[derive(Clone, Default)]
pub struct PageCache(Arc<RwLock<Kept>>);

#[derive(Default)]
struct Kept {
    pages: HashMap<Key, Arc<Page>>,
    bytes: usize,
    /// Pages being made for the first time (or after an edit): closed when the maker is done.
    making: HashMap<Key, watch::Receiver<()>>,
}

/// What a kept page depends on: the address with its query, and the visitor's preferences.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    path_and_query: String,
    language: Option<String>,
    care: Option<String>,
}

/// One kept page in each encoding a browser may accept.
struct Page {
    headers: HeaderMap,
    plain: Bytes,
    gzip: Bytes,
    brotli: Bytes,
    made: Instant,
    /// `AppState::guide_edits` when it was made.
    edits: u64,
    /// Set by the one request that makes an old page again; the others meanwhile get the old one
    /// (without this, every connection open at that moment made it at once).
    remaking: AtomicBool,
}

impl Page {
    fn size(&self) -> usize {
        self.plain.len() + self.gzip.len() + self.brotli.len()
    }

    fn response(&self, accepted: Encoding) -> Response {
        let (body, encoding) = match accepted {
            Encoding::Brotli => (self.brotli.clone(), Some("br")),
            Encoding::Gzip => (self.gzip.clone(), Some("gzip")),
            Encoding::Plain => (self.plain.clone(), None),
        };
        let mut response = Response::new(Body::from(body));
        *response.headers_mut() = self.headers.clone();
        if let Some(encoding) = encoding {
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        response
    }
}

#[derive(Clone, Copy)]
enum Encoding {
    Brotli,
    Gzip,
    Plain,
}

/// What is kept for a request.
enum Found {
    /// Served as it is.
    Serve(Arc<Page>),
    /// Old: this request makes it again.
    Remake(Claim),
    /// Nothing kept, or kept before a catalogue edit: this request makes it.
    Make(Making),
    /// Nothing kept, and another request is making it.
    Wait(watch::Receiver<()>),
}

/// The right to make an old page again; given back if the request ends without doing so (its
/// browser went away mid-render), so that another one can.
struct Claim(Arc<Page>);

impl Drop for Claim {
    fn drop(&mut self) {
        self.0.remaking.store(false, Ordering::Release);
    }
}

/// The right to make a page nobody keeps: the others asking for it meanwhile wait (without this,
/// every connection open when a page was first asked for made it at once, and a large search
/// page took the cores for a second). Dropped when the page is kept, or when the request ends
/// without it; either way the waiters then look again.
struct Making {
    cache: PageCache,
    key: Key,
    _done: watch::Sender<()>,
}

impl Drop for Making {
    fn drop(&mut self) {
        let mut kept = self.cache.0.write().unwrap_or_else(|e| e.into_inner());
        kept.making.remove(&self.key);
        // `_done` is dropped after this, closing the channel the waiters wait on.
    }
}

/// The middleware: a kept page if there is one, else the page rendered and kept.
pub async fn serve(
    State((state, cache)): State<(AppState, PageCache)>,
    mut req: Request,
    next: Next,
) -> Response {
    let Some(key) = key_of(&req) else {
        return next.run(req).await;
    };
    let accepted = encoding_of(req.headers());
    let edits = state.guide_edits.load(Ordering::Acquire);
    let mut found = cache.find(&key, edits);
    if let Found::Wait(mut done) = found {
        // Closed (an error) when the maker is done; a maker that takes too long is not waited for.
        let _ = tokio::time::timeout(WAIT_FOR_MAKING, done.changed()).await;
        found = cache.find(&key, edits);
    }
    // What this request holds while it renders: the right to remake or to make the page.
    let (claim, _making) = match found {
        Found::Serve(page) => return page.response(accepted),
        Found::Remake(claim) => (Some(claim), None),
        Found::Make(making) => (None, Some(making)),
        // Still being made after the wait: this request renders its own.
        Found::Wait(_) => (None, None),
    };
    req.extensions_mut().insert(Keeping);
    let response = next.run(req).await;
    let (mut parts, body) = response.into_parts();
    // Our own page, rendered in full: only a failing render ends the stream early.
    let Ok(html) = axum::body::to_bytes(body, usize::MAX).await else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "页面生成失败，请稍后再试",
        )
            .into_response();
    };
    let csp = crate::http::page_csp(&script_hashes(&html), state.site.card_reader_url.as_deref());
    if let Ok(value) = HeaderValue::from_str(&csp) {
        parts.headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    let keep = parts.status == StatusCode::OK
        && !parts.headers.contains_key(header::SET_COOKIE)
        && html.len() <= LARGEST_PAGE;
    if !keep {
        if claim.is_some() {
            // The page is not what it was (gone, or failing): nobody gets the old one again.
            cache.forget(&key);
        }
        return Response::from_parts(parts, Body::from(html));
    }
    let mut headers = parts.headers;
    headers.remove(header::CONTENT_LENGTH);
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    let page = Page {
        gzip: gzip(&html),
        brotli: brotli(&html),
        plain: html,
        headers,
        made: Instant::now(),
        edits,
        remaking: AtomicBool::new(false),
    };
    let response = page.response(accepted);
    cache.keep(key, page);
    response
}

impl PageCache {
    fn find(&self, key: &Key, edits: u64) -> Found {
        if let Some(found) = self.kept(key, edits) {
            return found;
        }
        let mut kept = self.0.write().unwrap_or_else(|e| e.into_inner());
        // Looked at again under the write lock: it may have been kept or begun meanwhile.
        if let Some(page) = kept.pages.get(key).filter(|page| page.edits == edits) {
            return Found::Serve(page.clone());
        }
        if let Some(done) = kept.making.get(key) {
            return Found::Wait(done.clone());
        }
        let (sender, receiver) = watch::channel(());
        kept.making.insert(key.clone(), receiver);
        Found::Make(Making {
            cache: self.clone(),
            key: key.clone(),
            _done: sender,
        })
    }

    /// The kept page of `key` made after the last edit, if there is one.
    fn kept(&self, key: &Key, edits: u64) -> Option<Found> {
        let kept = self.0.read().unwrap_or_else(|e| e.into_inner());
        let page = kept.pages.get(key).filter(|page| page.edits == edits)?;
        let old = page.made.elapsed() >= FRESH_FOR;
        Some(if old && !page.remaking.swap(true, Ordering::AcqRel) {
            Found::Remake(Claim(page.clone()))
        } else {
            Found::Serve(page.clone())
        })
    }

    fn forget(&self, key: &Key) {
        let mut kept = self.0.write().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = kept.pages.remove(key) {
            kept.bytes -= old.size();
        }
    }

    fn keep(&self, key: Key, page: Page) {
        let mut kept = self.0.write().unwrap_or_else(|e| e.into_inner());
        if kept.bytes + page.size() > MOST_BYTES {
            kept.pages.clear();
            kept.bytes = 0;
        }
        kept.bytes += page.size();
        if let Some(old) = kept.pages.insert(key, Arc::new(page)) {
            kept.bytes -= old.size();
        }
    }
}

/// The key of a request whose page may be kept: a GET of the guide list, search or a guide, from
/// a browser that is not signed in (its only cookies are the device id and the preferences).
fn key_of(req: &Request) -> Option<Key> {
    use app::api::context::DEVICE_COOKIE;
    let path = req.uri().path();
    let guide = path == "/guide"
        || path
            .strip_prefix("/guide/")
            .is_some_and(|c| !c.contains('/'));
    if req.method() != Method::GET || !guide {
        return None;
    }
    let path_and_query = req.uri().path_and_query()?.as_str();
    if path_and_query.len() > 512 {
        return None;
    }
    let mut key = Key {
        path_and_query: path_and_query.to_string(),
        language: None,
        care: None,
    };
    for header in req.headers().get_all(header::COOKIE) {
        for pair in header.to_str().ok()?.split(';') {
            let (name, value) = pair.trim().split_once('=')?;
            let value = Some(value.chars().take(8).collect());
            match name {
                DEVICE_COOKIE => {}
                LANG_COOKIE => key.language = value,
                CARE_COOKIE => key.care = value,
                // A session, a sign-in under way, a message to show: this visitor's own page.
                _ => return None,
            }
        }
    }
    Some(key)
}

/// The encoding of the answer: brotli or gzip when the browser accepts it (as every current one
/// does), else none.
fn encoding_of(headers: &HeaderMap) -> Encoding {
    let accepts = |wanted: &str| {
        headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|token| {
                let mut parts = token.split(';');
                let name = parts.next().unwrap_or_default().trim();
                let refused = parts.any(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                name.eq_ignore_ascii_case(wanted) && !refused
            })
    };
    if accepts("br") {
        Encoding::Brotli
    } else if accepts("gzip") {
        Encoding::Gzip
    } else {
        Encoding::Plain
    }
}

/// `'sha256-…'` of each inline script of the page, for its policy. Leptos writes script elements
/// in lower case; a script with `src` is covered by `'self'`.
fn script_hashes(html: &[u8]) -> String {
    let html = String::from_utf8_lossy(html);
    let mut sources = Vec::new();
    let mut rest = html.as_ref();
    while let Some(start) = rest.find("<script") {
        rest = &rest[start..];
        let Some(open_end) = rest.find('>') else {
            break;
        };
        let open = &rest[..open_end];
        rest = &rest[open_end + 1..];
        let Some(close) = rest.find("</script>") else {
            break;
        };
        if !open.contains(" src=") {
            let digest = Sha256::digest(&rest.as_bytes()[..close]);
            let hash = base64::engine::general_purpose::STANDARD.encode(digest);
            let source = format!("'sha256-{hash}'");
            if !sources.contains(&source) {
                sources.push(source);
            }
        }
        rest = &rest[close..];
    }
    sources.join(" ")
}

/// Compressed once per kept page, so a little harder than the per-response level.
fn gzip(bytes: &[u8]) -> Bytes {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    // Writing to a Vec does not fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default().into()
}

fn brotli(bytes: &[u8]) -> Bytes {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 6, 22);
        let _ = writer.write_all(bytes);
    }
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Key {
        Key {
            path_and_query: "/guide?q=sfz".into(),
            language: None,
            care: None,
        }
    }

    fn page(edits: u64) -> Page {
        Page {
            headers: HeaderMap::new(),
            plain: Bytes::from_static(b"<html></html>"),
            gzip: Bytes::new(),
            brotli: Bytes::new(),
            made: Instant::now(),
            edits,
            remaking: AtomicBool::new(false),
        }
    }

    /// Two requests for a page nobody keeps: the first makes it, the second waits.
    fn maker_and_waiter(cache: &PageCache) -> (Making, watch::Receiver<()>) {
        let Found::Make(making) = cache.find(&key(), 0) else {
            panic!("the first request makes the page");
        };
        let Found::Wait(done) = cache.find(&key(), 0) else {
            panic!("a second request waits for it");
        };
        (making, done)
    }

    #[tokio::test]
    async fn a_page_nobody_keeps_is_made_by_one_request_while_the_others_wait() {
        let cache = PageCache::default();
        let (making, mut done) = maker_and_waiter(&cache);
        let waiting = tokio::spawn(async move { done.changed().await.is_err() });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "it waits while the page is made");
        cache.keep(key(), page(0));
        drop(making);
        assert!(waiting.await.unwrap(), "it wakes when the maker is done");
        assert!(matches!(cache.find(&key(), 0), Found::Serve(_)));
        // After a catalogue edit the kept page is not served: one request makes it again.
        assert!(matches!(cache.find(&key(), 1), Found::Make(_)));
    }

    #[tokio::test]
    async fn a_maker_that_gives_up_lets_the_next_request_make_the_page() {
        let cache = PageCache::default();
        let (making, mut done) = maker_and_waiter(&cache);
        drop(making);
        assert!(done.changed().await.is_err());
        assert!(matches!(cache.find(&key(), 0), Found::Make(_)));
    }
}
