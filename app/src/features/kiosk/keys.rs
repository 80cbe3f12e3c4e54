//! The kiosk's on-screen keys: a letter keyboard for pinyin initials (sfz finds 身份证) and a
//! numeric keypad for case numbers and query codes. Every key is a button of at least 64×64 px;
//! the fields they fill take a physical keyboard too (for staff and for keyboard users) but never
//! ask the system for one (`inputmode="none"`).

use crate::i18n::*;
use leptos::prelude::*;

/// One press on a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Text(&'static str),
    Back,
    Clear,
}

/// Applies a key to a field's value, keeping it within `max` characters.
pub fn press(value: RwSignal<String>, key: Key, max: usize) {
    value.update(|v| match key {
        Key::Text(t) => {
            if v.chars().count() + t.chars().count() <= max {
                v.push_str(t);
            }
        }
        Key::Back => {
            v.pop();
        }
        Key::Clear => v.clear(),
    });
}

/// The keypad's keys for a form of two fields: they go to the field whose id `active` holds.
pub fn into_active_field(
    active: RwSignal<&'static str>,
    (first_id, first, first_max): (&'static str, RwSignal<String>, usize),
    (second, second_max): (RwSignal<String>, usize),
) -> Callback<Key> {
    Callback::new(move |key: Key| {
        if active.get_untracked() == first_id {
            press(first, key, first_max)
        } else {
            press(second, key, second_max)
        }
    })
}

/// What a field may hold when typed on a physical keyboard: the keys' characters only.
pub fn keep_typed(text: &str, allowed: fn(char) -> bool, max: usize) -> String {
    text.chars()
        .filter(|c| allowed(*c))
        .map(|c| c.to_ascii_uppercase())
        .take(max)
        .collect()
}

const LETTER_ROWS: [&str; 3] = ["QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM"];

/// The letter keyboard: three rows of letters, then 删除 and 清空.
#[component]
pub fn LetterKeyboard(on_key: Callback<Key>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="kiosk-keys kiosk-letters" role="group" aria-label=move || t_string!(i18n, kk_letters)>
            {LETTER_ROWS
                .iter()
                .map(|row| view! {
                    <div class="kiosk-key-row">
                        {row
                            .char_indices()
                            .map(|(i, _)| {
                                let letter: &'static str = &row[i..i + 1];
                                view! {
                                    <button type="button" class="kiosk-key" on:click=move |_| on_key.run(Key::Text(letter))>
                                        {letter}
                                    </button>
                                }
                            })
                            .collect_view()}
                    </div>
                })
                .collect_view()}
            <EditKeys on_key/>
        </div>
    }
    .into_any()
}

/// The numeric keypad, with `extra` keys (the reference prefixes ZX, XF, XX) above the digits.
#[component]
pub fn Keypad(
    on_key: Callback<Key>,
    #[prop(optional)] extra: &'static [&'static str],
) -> impl IntoView {
    let i18n = use_i18n();
    const DIGITS: [&str; 10] = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"];
    view! {
        <div class="kiosk-keys kiosk-keypad" role="group" aria-label=move || t_string!(i18n, kk_digits)>
            {(!extra.is_empty()).then(|| view! {
                <div class="kiosk-key-row">
                    {extra
                        .iter()
                        .map(|k| view! {
                            <button type="button" class="kiosk-key kiosk-key-wide" on:click=move |_| on_key.run(Key::Text(k))>{*k}</button>
                        })
                        .collect_view()}
                </div>
            })}
            <div class="kiosk-digit-grid">
                {DIGITS
                    .iter()
                    .map(|d| view! {
                        <button type="button" class="kiosk-key" on:click=move |_| on_key.run(Key::Text(d))>{*d}</button>
                    })
                    .collect_view()}
            </div>
            <EditKeys on_key/>
        </div>
    }
    .into_any()
}

#[component]
fn EditKeys(on_key: Callback<Key>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="kiosk-key-row">
            <button type="button" class="kiosk-key kiosk-key-wide" on:click=move |_| on_key.run(Key::Back)>
                <span aria-hidden="true">"⌫ "</span>{t!(i18n, kk_back)}
            </button>
            <button type="button" class="kiosk-key kiosk-key-wide" on:click=move |_| on_key.run(Key::Clear)>
                {t!(i18n, kk_clear)}
            </button>
        </div>
    }
    .into_any()
}

/// A field the keypad fills; touching it sends the keypad's keys to it (`active` holds the id of
/// the field being typed into).
#[component]
pub fn KeypadField(
    id: &'static str,
    name: &'static str,
    label: impl Fn() -> &'static str + Send + Sync + 'static,
    value: RwSignal<String>,
    max: usize,
    active: RwSignal<&'static str>,
) -> impl IntoView {
    view! {
        <div class="kiosk-keyfield" class:kiosk-keyfield-active=move || active.get() == id>
            <label class="kiosk-field-label" for=id>{label}</label>
            <input id=id name=name class="kiosk-field mono" type="text" inputmode="none" autocomplete="off"
                required maxlength=max.to_string()
                prop:value=move || value.get()
                on:focus=move |_| active.set(id)
                on:pointerdown=move |_| active.set(id)
                on:input=move |ev| value.set(keep_typed(&event_target_value(&ev), |c| c.is_ascii_alphanumeric(), max))/>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::keep_typed;

    #[test]
    fn typed_text_keeps_the_keys_characters() {
        assert_eq!(keep_typed("sfz 1<", |c| c.is_ascii_alphabetic(), 10), "SFZ");
        assert_eq!(keep_typed("9901-0020", |c| c.is_ascii_digit(), 6), "990100");
    }
}
