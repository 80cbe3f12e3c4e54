//! What the kiosk asks of the browser: printing, reading aloud, the ID-card reader, moving between
//! screens without leaving history behind, and forgetting the last person. Browser-only; the
//! server render never calls these.

use crate::domain::id_card::{parse_reader_answer, CardError, CardHolder};
use crate::i18n::LANG_COOKIE;
use crate::layouts::prefs::CARE_COOKIE;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// True the first time the kiosk shell mounts in this page load, false after.
pub fn first_kiosk_mount() -> bool {
    use std::sync::atomic::{AtomicBool, Ordering};
    static MOUNTED: AtomicBool = AtomicBool::new(false);
    !MOUNTED.swap(true, Ordering::Relaxed)
}

/// Opens the browser's print dialog (the kiosk's printer); the print stylesheet keeps the content.
pub fn print_page() {
    let _ = window().print();
}

fn speech() -> Option<web_sys::SpeechSynthesis> {
    // Old township PCs may have no voices at all: the button is then not shown.
    window().speech_synthesis().ok()
}

pub fn speech_available() -> bool {
    speech().is_some()
}

/// Reads `text` aloud in `lang` (zh-CN, zh-TW, en); `on_end` runs when it has finished.
pub fn speak(text: &str, lang: &str, on_end: impl FnOnce() + 'static) {
    let Some(synth) = speech() else { return };
    synth.cancel();
    let Ok(utterance) = web_sys::SpeechSynthesisUtterance::new_with_text(text) else {
        return;
    };
    utterance.set_lang(lang);
    // Slower than the default: many listeners are elderly.
    utterance.set_rate(0.9);
    let done = Closure::once_into_js(on_end);
    utterance.set_onend(Some(done.unchecked_ref()));
    synth.speak(&utterance);
}

pub fn stop_speaking() {
    if let Some(synth) = speech() {
        synth.cancel();
    }
}

/// Whether the person in front of the kiosk changed anything that outlives a page: language or
/// elderly mode (cookies), or stored data.
pub fn traces_left() -> bool {
    let cookies = document()
        .dyn_into::<web_sys::HtmlDocument>()
        .ok()
        .and_then(|d| d.cookie().ok())
        .unwrap_or_default();
    let chosen = cookies.split(';').any(|c| {
        let name = c.trim().split('=').next().unwrap_or_default();
        name == LANG_COOKIE || name == CARE_COOKIE
    });
    let stored = |s: Option<web_sys::Storage>| s.and_then(|s| s.length().ok()).unwrap_or(0) > 0;
    chosen
        || stored(window().local_storage().ok().flatten())
        || stored(window().session_storage().ok().flatten())
}

/// The next person starts from nothing: storage emptied, the language and elderly-mode choices
/// forgotten, speech stopped, and the start screen loaded afresh in place of the current entry
/// (every kiosk screen replaces the one before it, so there is no history to go back through).
pub fn restart_kiosk() {
    stop_speaking();
    if let Ok(Some(s)) = window().local_storage() {
        let _ = s.clear();
    }
    if let Ok(Some(s)) = window().session_storage() {
        let _ = s.clear();
    }
    if let Ok(doc) = document().dyn_into::<web_sys::HtmlDocument>() {
        for name in [LANG_COOKIE, CARE_COOKIE] {
            let _ = doc.set_cookie(&format!("{name}=; Path=/; Max-Age=0; SameSite=Lax"));
        }
    }
    let _ = window().location().replace("/kiosk");
}

/// Counts seconds without a touch, a key or a wheel; `tick` gets the count each second, and any
/// activity sets it back to 0. (Not a call to `tick` at once: a countdown taken away under a
/// finger would pass the touch's click on to whatever lay beneath it.)
pub fn watch_activity(tick: impl Fn(u32) + 'static) {
    use std::cell::Cell;
    use std::rc::Rc;
    let idle = Rc::new(Cell::new(0u32));
    for kind in ["pointerdown", "touchstart", "keydown", "wheel"] {
        let idle = idle.clone();
        let on_activity = Closure::<dyn FnMut()>::new(move || idle.set(0));
        let _ = window().add_event_listener_with_callback_and_bool(
            kind,
            on_activity.as_ref().unchecked_ref(),
            true,
        );
        on_activity.forget();
    }
    let second = Closure::<dyn FnMut()>::new(move || {
        idle.set(idle.get() + 1);
        tick(idle.get());
    });
    let _ = window().set_interval_with_callback_and_timeout_and_arguments_0(
        second.as_ref().unchecked_ref(),
        1000,
    );
    second.forget();
}

/// Makes every move between kiosk screens replace the current history entry: links to `/kiosk…`
/// and the kiosk's posted forms (the rating) are taken over before the router sees them.
pub fn replace_history_on_kiosk_moves(go: impl Fn(&str) + Clone + 'static) {
    let follow = go.clone();
    let on_click = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
        let Some(link) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("a[href]").ok().flatten())
        else {
            return;
        };
        let href = link.get_attribute("href").unwrap_or_default();
        if href.starts_with("/kiosk") && !link.has_attribute("download") {
            ev.prevent_default();
            follow(&href);
        }
    });
    let on_submit =
        Closure::<dyn FnMut(web_sys::SubmitEvent)>::new(move |ev: web_sys::SubmitEvent| {
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            let action = form.get_attribute("action").unwrap_or_default();
            if form.method().eq_ignore_ascii_case("post") && action.starts_with("/kiosk/") {
                ev.prevent_default();
                post_then_go(&form, ev.submitter(), &action, go.clone());
            }
        });
    let doc = document();
    let _ = doc.add_event_listener_with_callback_and_bool(
        "click",
        on_click.as_ref().unchecked_ref(),
        true,
    );
    let _ = doc.add_event_listener_with_callback_and_bool(
        "submit",
        on_submit.as_ref().unchecked_ref(),
        true,
    );
    on_click.forget();
    on_submit.forget();
}

/// Posts a form the way the browser would (the pressed button's value included), then shows the
/// page the server redirects to.
fn post_then_go(
    form: &web_sys::HtmlFormElement,
    submitter: Option<web_sys::HtmlElement>,
    action: &str,
    go: impl Fn(&str) + 'static,
) {
    let (Ok(data), Ok(xhr)) = (
        web_sys::FormData::new_with_form(form),
        web_sys::XmlHttpRequest::new(),
    ) else {
        return;
    };
    if let Some(button) = submitter {
        if let (Some(name), Some(value)) =
            (button.get_attribute("name"), button.get_attribute("value"))
        {
            let _ = data.append_with_str(&name, &value);
        }
    }
    let Ok(body) = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data) else {
        return;
    };
    let _ = xhr.open("POST", action);
    let _ = xhr.set_request_header("Content-Type", "application/x-www-form-urlencoded");
    let done = xhr.clone();
    let on_load = Closure::once_into_js(move || {
        let landed = if done.status().unwrap_or(0) == 404 {
            "/kiosk/rate?error=1".to_string()
        } else {
            // The path and query of where the redirect ended.
            web_sys::Url::new(&done.response_url())
                .map(|u| format!("{}{}", u.pathname(), u.search()))
                .unwrap_or_else(|_| "/kiosk".into())
        };
        go(&landed);
    });
    xhr.set_onloadend(Some(on_load.unchecked_ref()));
    let _ = xhr.send_with_opt_str(Some(&String::from(body.to_string())));
}

/// Asks the kiosk's card reader for the card on it; `done` gets the holder or why not.
pub fn read_card(url: &str, done: impl FnOnce(Result<CardHolder, CardError>) + 'static) {
    let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
        done(Err(CardError::ReaderDown));
        return;
    };
    if xhr.open("GET", url).is_err() {
        done(Err(CardError::ReaderDown));
        return;
    }
    xhr.set_timeout(8000);
    let answer = xhr.clone();
    let on_end = Closure::once_into_js(move || {
        let result = match answer.status().unwrap_or(0) {
            200 => {
                let text = answer.response_text().ok().flatten().unwrap_or_default();
                parse_reader_answer(&text)
            }
            404 => Err(CardError::NoCard),
            _ => Err(CardError::ReaderDown),
        };
        done(result);
    });
    xhr.set_onloadend(Some(on_end.unchecked_ref()));
    // A network error still ends in onloadend (status 0: the reader is down).
    let _ = xhr.send();
}
