//! 二代身份证读卡 (reading a second-generation ID card at a kiosk).
//!
//! A kiosk's reader is a small service on the kiosk itself (`YIZHAN_CARD_READER_URL`). The page
//! asks it with `GET`; it answers `200` with JSON when a card lies on the reader, or `404` when
//! none does:
//!
//! ```json
//! {"name": "张三", "id_number": "990102198005121236", "sex": "男", "nation": "汉",
//!  "birth": "19800512", "address": "…", "issuer": "…", "valid": "…", "photo": "<base64>"}
//! ```
//!
//! Only the name and the number are taken; everything else, the photo above all, is dropped in
//! the browser as the answer is parsed and never reaches the portal or any storage.

use super::identity::IdNumber;
use serde::{Deserialize, Serialize};

/// What a kiosk keeps of a card while one person uses it: the name and the checked number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardHolder {
    pub name: String,
    pub id_number: IdNumber,
}

/// The fields read from the reader's answer; serde skips the rest without keeping it.
#[derive(Deserialize)]
struct ReaderAnswer {
    name: String,
    id_number: String,
}

/// Why a card could not be used, in words for the kiosk's screen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    #[error("没有读到身份证，请把身份证平放在读卡区后再试")]
    NoCard,
    #[error("读卡器没有响应，请到窗口咨询工作人员")]
    ReaderDown,
    #[error("身份证信息无法识别，请重新放置身份证")]
    Unreadable,
}

/// Parses a reader's answer: a name of 1–30 characters and a valid 身份证号.
pub fn parse_reader_answer(json: &str) -> Result<CardHolder, CardError> {
    let answer: ReaderAnswer = serde_json::from_str(json).map_err(|_| CardError::Unreadable)?;
    let name = answer.name.trim();
    if name.is_empty() || name.chars().count() > 30 {
        return Err(CardError::Unreadable);
    }
    let id_number = IdNumber::parse(&answer.id_number).map_err(|_| CardError::Unreadable)?;
    Ok(CardHolder {
        name: name.to_string(),
        id_number,
    })
}

impl CardHolder {
    /// For the screen: the family name and stars (张**), and the masked number.
    pub fn shown(&self) -> String {
        let mut chars = self.name.chars();
        let first: String = chars.next().into_iter().collect();
        let rest = "*".repeat(chars.count());
        format!("{first}{rest}（{}）", self.id_number.masked())
    }
}

/// The simulated reader's card (`YIZHAN_CARD_READER_URL=simulated`): the demo citizen 李秀英
/// (`citizen2`, born 1955), with a photo field like a real reader's, which the kiosk must drop.
pub const SIMULATED_CARD: &str = r#"{"name":"李秀英","id_number":"990102195503082424","sex":"女","nation":"汉","birth":"19550308","address":"示范市人民大道1号","issuer":"示范市公安局","valid":"20200101-长期","photo":"Qk1GAAAAAAAAADYAAAAoAAAAAgAAAAIAAAABABgAAAAAABAAAAATCwAAEwsAAAAAAAAAAAAA"}"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_answer_keeps_name_and_number_only() {
        let holder = parse_reader_answer(SIMULATED_CARD).unwrap();
        assert_eq!(holder.name, "李秀英");
        assert_eq!(holder.id_number.as_str(), "990102195503082424");
        let kept = serde_json::to_string(&holder).unwrap();
        assert!(!kept.contains("photo") && !kept.contains("Qk1G"), "{kept}");
        assert_eq!(holder.shown(), "李**（9901**********2424）");
    }

    #[test]
    fn a_bad_answer_is_unreadable() {
        for json in [
            "",
            "not json",
            r#"{"name":"张三"}"#,
            r#"{"name":"","id_number":"990102195503082424"}"#,
            r#"{"name":"张三","id_number":"990102195503082425"}"#,
        ] {
            assert_eq!(
                parse_reader_answer(json),
                Err(CardError::Unreadable),
                "{json}"
            );
        }
    }
}
