//! 语言与关怀模式 (language and elderly mode): switches that work with a click (JavaScript) and as
//! plain links (without it), remembered in cookies for a year.

use crate::i18n::{use_i18n, Locale};
use leptos::prelude::*;
use leptos_meta::Body;
use leptos_router::hooks::use_location;

/// Cookie holding the elderly mode (关怀模式): "1" on.
pub const CARE_COOKIE: &str = "yz_care";

/// Percent-encodes a path for use inside a query string.
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Reverses `encode_component` (and any `%XX` escapes); invalid escapes are kept as they are.
pub fn decode_component(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether elderly mode is on, read from the same cookie on both sides so hydration agrees.
fn care_cookie_on() -> bool {
    #[cfg(feature = "ssr")]
    {
        crate::api::context::request_cookie(CARE_COOKIE).as_deref() == Some("1")
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        use wasm_bindgen::JsCast;
        document()
            .dyn_into::<web_sys::HtmlDocument>()
            .ok()
            .and_then(|d| d.cookie().ok())
            .is_some_and(|c| c.split(';').any(|p| p.trim() == format!("{CARE_COOKIE}=1")))
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        false
    }
}

#[cfg(feature = "hydrate")]
fn store_care_cookie(on: bool) {
    use wasm_bindgen::JsCast;
    if let Ok(doc) = document().dyn_into::<web_sys::HtmlDocument>() {
        let value = if on { "1" } else { "0" };
        let _ = doc.set_cookie(&format!(
            "{CARE_COOKIE}={value}; Path=/; Max-Age=31536000; SameSite=Lax"
        ));
    }
}

/// Elderly mode state for the whole page; sets the `care` class on `<body>`.
#[derive(Clone, Copy)]
pub struct CareMode(pub RwSignal<bool>);

impl CareMode {
    /// Reads the cookie and provides the state to the shell's components. Call once per shell.
    pub fn provide() -> CareMode {
        let care = CareMode(RwSignal::new(care_cookie_on()));
        provide_context(care);
        care
    }

    /// `<body>` with the shell's class and `care` when elderly mode is on: written on the server,
    /// updated in the browser when the switch is clicked.
    pub fn body(self, shell_class: &'static str) -> impl IntoView {
        let class = move || {
            if self.0.get() {
                format!("{shell_class} care")
            } else {
                shell_class.to_string()
            }
        };
        // leptos_meta writes <body> attributes after the page's reactive owner may be gone: on the
        // server the class is read once; in the browser it follows the switch.
        #[cfg(feature = "ssr")]
        let class = class();
        view! { <Body {..} class=class/> }
    }
}

/// The 关怀模式 switch: larger type, more spacing, higher contrast.
#[component]
pub fn CareToggle() -> impl IntoView {
    let i18n = use_i18n();
    let care = use_context::<CareMode>().unwrap_or(CareMode(RwSignal::new(false)));
    let location = use_location();
    let href = move || {
        let target = if care.0.get() { "off" } else { "on" };
        format!(
            "/prefs/care/{target}?back={}",
            encode_component(&location.pathname.get())
        )
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        let on = !care.0.get_untracked();
        care.0.set(on);
        #[cfg(feature = "hydrate")]
        store_care_cookie(on);
    };
    view! {
        <a
            class="pref-care"
            href=href
            role="button"
            aria-pressed=move || care.0.get().to_string()
            on:click=on_click
        >
            {move || {
                if care.0.get() {
                    crate::i18n::t_string!(i18n, care_mode_exit)
                } else {
                    crate::i18n::t_string!(i18n, care_mode)
                }
            }}
        </a>
    }
    .into_any()
}

/// 简 / 繁 / EN.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let choices = [
        (Locale::zh_CN, "zh-CN", "简"),
        (Locale::zh_TW, "zh-TW", "繁"),
        (Locale::en, "en", "EN"),
    ];
    view! {
        <span class="pref-lang" role="group" aria-label=move || crate::i18n::t_string!(i18n, language)>
            {choices
                .into_iter()
                .map(|(locale, code, label)| {
                    let href = move || {
                        format!(
                            "/prefs/lang/{code}?back={}",
                            encode_component(&location.pathname.get()),
                        )
                    };
                    view! {
                        <a
                            href=href
                            lang=code
                            hreflang=code
                            class:active=move || i18n.get_locale() == locale
                            aria-current=move || (i18n.get_locale() == locale).then_some("true")
                            on:click=move |ev: leptos::ev::MouseEvent| {
                                ev.prevent_default();
                                i18n.set_locale(locale);
                            }
                        >
                            {label}
                        </a>
                    }
                })
                .collect_view()}
        </span>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::{decode_component, encode_component};

    #[test]
    fn back_paths_are_encoded_for_the_query_string() {
        assert_eq!(encode_component("/staff/intake"), "/staff/intake");
        assert_eq!(encode_component("/guide?q=a&b"), "/guide%3Fq%3Da%26b");
        assert_eq!(encode_component("/办事"), "/%E5%8A%9E%E4%BA%8B");
        assert_eq!(
            decode_component(&encode_component("导入完成：新建 3 项")),
            "导入完成：新建 3 项"
        );
        assert_eq!(decode_component("100%"), "100%");
    }
}
