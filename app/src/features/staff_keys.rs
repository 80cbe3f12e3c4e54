//! Keyboard shortcuts of the back office (browser only). Keys act only when no field has the
//! focus and no modifier is held, so typing is never taken over.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};

fn typing(ev: &KeyboardEvent) -> bool {
    if ev.ctrl_key() || ev.alt_key() || ev.meta_key() {
        return true;
    }
    let tag = document()
        .active_element()
        .map(|e| e.tag_name().to_ascii_lowercase())
        .unwrap_or_default();
    matches!(tag.as_str(), "input" | "textarea" | "select")
}

fn all(selector: &str) -> Vec<HtmlElement> {
    let Ok(list) = document().query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .collect()
}

fn one(selector: &str) -> Option<HtmlElement> {
    document()
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
}

/// Moves the focus `step` rows through the elements matching `selector`.
fn step_focus(selector: &str, step: i32) {
    let items = all(selector);
    if items.is_empty() {
        return;
    }
    let active = document().active_element();
    let at = items.iter().position(|e| {
        active
            .as_ref()
            .is_some_and(|a| a == e.unchecked_ref::<web_sys::Element>())
    });
    let next = match at {
        None => 0,
        Some(i) => (i as i32 + step).clamp(0, items.len() as i32 - 1) as usize,
    };
    let _ = items[next].focus();
}

fn listen(handler: impl Fn(&KeyboardEvent) -> bool + 'static) {
    let handle = window_event_listener(ev::keydown, move |ev| {
        if !typing(&ev) && handler(&ev) {
            ev.prevent_default();
        }
    });
    on_cleanup(move || handle.remove());
}

/// The queue page: `/` search, `j`/`k` rows, digits queues, `n` intake.
pub fn queue_keys() {
    listen(|ev| match ev.key().as_str() {
        "/" => one("#queue-search").map(|e| e.focus()).is_some(),
        "j" | "ArrowDown" => {
            step_focus(".queue-link", 1);
            true
        }
        "k" | "ArrowUp" => {
            step_focus(".queue-link", -1);
            true
        }
        "n" => {
            let _ = window().location().set_href("/staff/intake");
            true
        }
        key if key.len() == 1 && key.as_bytes()[0].is_ascii_digit() => {
            one(&format!(".queue-tab[data-key=\"{key}\"]"))
                .map(|e| e.click())
                .is_some()
        }
        _ => false,
    });
}

/// The case page: digits open an action, `m` the materials, `q` back to the queue.
pub fn case_keys() {
    listen(|ev| match ev.key().as_str() {
        "m" => one("#materials").map(|e| e.focus()).is_some(),
        "q" => {
            let _ = window().location().set_href("/staff");
            true
        }
        key if key.len() == 1 && key.as_bytes()[0].is_ascii_digit() => {
            let Some(summary) = one(&format!(".action-panel[data-key=\"{key}\"] > summary")) else {
                return false;
            };
            summary.click();
            let _ = summary.focus();
            true
        }
        _ => false,
    });
}
