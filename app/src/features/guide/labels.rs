//! The translated names of the catalogue's codes (types, audiences, topics …). The item texts
//! themselves are Chinese data; only these labels follow the visitor's language. A test checks
//! that every code has its text in all three languages.

use crate::domain::catalogue::{
    Audience, FormKind, ItemType, MaterialSource, Medium, Scope, Topic,
};
use crate::domain::process::ItemKind;
use crate::i18n::I18n;

pub fn item_type(i18n: I18n, v: ItemType) -> &'static str {
    i18n.tr(&format!("item_type_{}", v.code()))
}
pub fn audience(i18n: I18n, v: Audience) -> &'static str {
    i18n.tr(&format!("audience_{}", v.code()))
}
pub fn topic(i18n: I18n, v: Topic) -> &'static str {
    i18n.tr(&format!("topic_{}", v.code()))
}
pub fn scope(i18n: I18n, v: Scope) -> &'static str {
    i18n.tr(&format!("scope_{}", v.code()))
}
pub fn source(i18n: I18n, v: MaterialSource) -> &'static str {
    i18n.tr(&format!("source_{}", v.code()))
}
pub fn medium(i18n: I18n, v: Medium) -> &'static str {
    i18n.tr(&format!("medium_{}", v.code()))
}
pub fn form_kind(i18n: I18n, v: FormKind) -> &'static str {
    i18n.tr(&format!("form_kind_{}", v.code()))
}
pub fn handling(i18n: I18n, v: ItemKind) -> &'static str {
    i18n.tr(&format!("handling_{}", v.code()))
}

/// Every key the functions above can ask for.
pub fn all_keys() -> Vec<String> {
    let mut keys = Vec::new();
    keys.extend(
        ItemType::ALL
            .iter()
            .map(|v| format!("item_type_{}", v.code())),
    );
    keys.extend(
        Audience::ALL
            .iter()
            .map(|v| format!("audience_{}", v.code())),
    );
    keys.extend(Topic::ALL.iter().map(|v| format!("topic_{}", v.code())));
    keys.extend(Scope::ALL.iter().map(|v| format!("scope_{}", v.code())));
    keys.extend(
        MaterialSource::ALL
            .iter()
            .map(|v| format!("source_{}", v.code())),
    );
    keys.extend(Medium::ALL.iter().map(|v| format!("medium_{}", v.code())));
    keys.extend(
        FormKind::ALL
            .iter()
            .map(|v| format!("form_kind_{}", v.code())),
    );
    keys.extend(
        [ItemKind::Immediate, ItemKind::Promised, ItemKind::Joint]
            .iter()
            .map(|v| format!("handling_{}", v.code())),
    );
    keys
}

/// "20 个工作日" / "20 working days"; 0 is 即办 (on the spot).
pub fn working_days(i18n: I18n, days: u32) -> String {
    if days == 0 {
        i18n.tr("limit_on_the_spot").to_string()
    } else {
        i18n.tr("limit_working_days")
            .replace("{n}", &days.to_string())
    }
}
