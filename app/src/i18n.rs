//! 多语言 (three languages): zh-CN (complete, the default), zh-TW and en. The texts live in
//! `app/locales/*.json`, compiled into the binary and the wasm; a test checks that every key the
//! pages use exists in all three.
//!
//! Written in-house instead of using leptos_i18n: its context runs an isomorphic effect that, on
//! the server, can fire after a fast response has disposed the page's reactive owner, and panics.

use leptos::prelude::*;
use leptos_meta::Html;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Cookie holding the chosen language.
pub const LANG_COOKIE: &str = "yz_lang";

/// 语言.
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    #[default]
    zh_CN,
    zh_TW,
    en,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::zh_CN, Locale::zh_TW, Locale::en];

    /// The BCP 47 tag, as in `<html lang>` and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Locale::zh_CN => "zh-CN",
            Locale::zh_TW => "zh-TW",
            Locale::en => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        Locale::ALL.into_iter().find(|l| l.code() == code)
    }

    fn texts(self) -> &'static HashMap<String, String> {
        static ZH_CN: LazyLock<HashMap<String, String>> =
            LazyLock::new(|| parse(include_str!("../locales/zh-CN.json")));
        static ZH_TW: LazyLock<HashMap<String, String>> =
            LazyLock::new(|| parse(include_str!("../locales/zh-TW.json")));
        static EN: LazyLock<HashMap<String, String>> =
            LazyLock::new(|| parse(include_str!("../locales/en.json")));
        match self {
            Locale::zh_CN => &ZH_CN,
            Locale::zh_TW => &ZH_TW,
            Locale::en => &EN,
        }
    }
}

/// The locale files are part of the source and checked by tests, so a malformed one is a build
/// defect; an empty table then shows the keys rather than crashing a page.
fn parse(json: &str) -> HashMap<String, String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// The text of `key` in `locale`, falling back to Simplified Chinese, then to the key itself.
pub fn text(locale: Locale, key: &str) -> &'static str {
    locale
        .texts()
        .get(key)
        .or_else(|| Locale::zh_CN.texts().get(key))
        .map(String::as_str)
        .unwrap_or_else(|| {
            // Unreachable for keys the pages use (a test checks them); say so loudly if it happens.
            leptos::logging::error!("missing text {key}");
            ""
        })
}

/// The page's language, a signal: switching re-renders every text in place.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    locale: RwSignal<Locale>,
}

impl I18n {
    pub fn get_locale(self) -> Locale {
        self.locale.try_get().unwrap_or_default()
    }

    /// Switches the language and remembers it for the next visit.
    pub fn set_locale(self, locale: Locale) {
        self.locale.set(locale);
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Ok(doc) = document().dyn_into::<web_sys::HtmlDocument>() {
                let _ = doc.set_cookie(&format!(
                    "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                    locale.code()
                ));
            }
        }
    }

    /// The text of `key` in the current language (tracked: a closure calling it re-runs on a switch).
    ///
    /// On the server, a page's title and meta closures can run after a busy server has already
    /// disposed of that page's reactive owner (seen with 50 visitors at once); nothing of that
    /// render is sent any more, so the default language stands in instead of a panic.
    pub fn tr(self, key: &str) -> &'static str {
        text(self.locale.try_get().unwrap_or_default(), key)
    }
}

pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or(I18n {
        locale: RwSignal::new(Locale::default()),
    })
}

/// The language the server rendered: from the cookie on the server, from `<html lang>` in the
/// browser (the server wrote it), so hydration starts from the same texts.
fn initial_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        crate::api::context::request_cookie(LANG_COOKIE)
            .and_then(|c| Locale::from_code(&c))
            .unwrap_or_default()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        document()
            .document_element()
            .and_then(|el| el.get_attribute("lang"))
            .and_then(|lang| Locale::from_code(&lang))
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Locale::default()
    }
}

/// Provides the language to everything inside and keeps `<html lang>` in step.
#[component]
pub fn I18nContextProvider(children: Children) -> impl IntoView {
    let i18n = I18n {
        locale: RwSignal::new(initial_locale()),
    };
    provide_context(i18n);
    // leptos_meta writes <html> attributes after the page's reactive owner may be gone: on the
    // server the value is read once; in the browser it follows the language switch.
    #[cfg(feature = "ssr")]
    let lang = i18n.get_locale().code();
    #[cfg(not(feature = "ssr"))]
    let lang = move || i18n.get_locale().code();
    view! {
        <Html {..} lang=lang/>
        {children()}
    }
    .into_any()
}

/// `t!(i18n, key)`: the text as a reactive view (re-rendered when the language changes).
macro_rules! t {
    ($i18n:expr, $key:ident) => {{
        let i18n = $i18n;
        move || i18n.tr(stringify!($key))
    }};
}

/// `t_string!(i18n, key)`: the text now, as `&'static str` (call it inside a closure to react).
macro_rules! t_string {
    ($i18n:expr, $key:ident) => {
        $i18n.tr(stringify!($key))
    };
}

pub(crate) use {t, t_string};

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(locale: Locale) -> std::collections::BTreeSet<&'static str> {
        locale.texts().keys().map(String::as_str).collect()
    }

    #[test]
    fn the_three_languages_have_the_same_keys() {
        assert!(keys(Locale::zh_CN).len() > 50);
        assert_eq!(keys(Locale::zh_TW), keys(Locale::zh_CN));
        assert_eq!(keys(Locale::en), keys(Locale::zh_CN));
    }

    /// Every `t!(i18n, key)` and `t_string!(i18n, key)` in the source names a key that exists.
    #[test]
    fn every_key_used_by_the_pages_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut used = Vec::new();
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("i18n.rs")
                {
                    let source = std::fs::read_to_string(&path).unwrap();
                    for marker in ["t!(i18n, ", "t_string!(i18n, "] {
                        for part in source.split(marker).skip(1) {
                            let key: String = part
                                .chars()
                                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                                .collect();
                            used.push((path.display().to_string(), key));
                        }
                    }
                }
            }
        }
        assert!(
            used.len() > 50,
            "the scan found too few uses: {}",
            used.len()
        );
        let known = keys(Locale::zh_CN);
        for (file, key) in used {
            assert!(
                known.contains(key.as_str()),
                "{file} uses missing key {key}"
            );
        }
    }

    /// The catalogue's codes are shown through keys built at run time (`topic_birth` …).
    #[test]
    fn every_catalogue_code_has_its_text() {
        let known = keys(Locale::zh_CN);
        for key in crate::features::guide::labels::all_keys() {
            assert!(known.contains(key.as_str()), "missing text for {key}");
        }
    }

    #[test]
    fn texts_follow_the_locale() {
        assert_eq!(text(Locale::zh_CN, "ch_guide"), "办事指南");
        assert_eq!(text(Locale::zh_TW, "ch_guide"), "辦事指南");
        assert_eq!(text(Locale::en, "ch_guide"), "Service guides");
        assert_eq!(Locale::from_code("zh-TW"), Some(Locale::zh_TW));
        assert_eq!(Locale::from_code("fr"), None);
    }
}
