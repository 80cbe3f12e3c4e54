//! 身份证号, 统一社会信用代码 and 手机号码: parsed once at the edge with their check characters, so
//! the rest of the code only ever holds valid ones. Pure; builds for wasm (forms can check as the
//! citizen types).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("身份证号应为 18 位（最后一位可以是 X）")]
    IdLength,
    #[error("身份证号中的出生日期不正确")]
    IdBirthDate,
    #[error("身份证号校验位不对，请逐位核对")]
    IdCheckDigit,
    #[error("统一社会信用代码应为 18 位数字或大写字母（不含 I、O、Z、S、V）")]
    CreditCodeCharacters,
    #[error("统一社会信用代码校验位不对，请逐位核对")]
    CreditCodeCheck,
    #[error("手机号码应为 11 位数字，以 1 开头")]
    Mobile,
}

/// 公民身份号码 (GB 11643-1999): six-digit address code, birth date YYYYMMDD, three-digit order
/// code, and an ISO 7064 MOD 11-2 check character (0–9 or X). Stored upper-case.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IdNumber(String);

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

impl IdNumber {
    pub fn parse(raw: &str) -> Result<IdNumber, IdentityError> {
        let s: String = raw.trim().to_ascii_uppercase();
        let bytes = s.as_bytes();
        let shape_ok = bytes.len() == 18
            && bytes[..17].iter().all(u8::is_ascii_digit)
            && (bytes[17].is_ascii_digit() || bytes[17] == b'X')
            && bytes[0] != b'0';
        if !shape_ok {
            return Err(IdentityError::IdLength);
        }
        NaiveDate::parse_from_str(&s[6..14], "%Y%m%d").map_err(|_| IdentityError::IdBirthDate)?;
        let sum: u32 = bytes[..17]
            .iter()
            .zip(ID_WEIGHTS)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        if ID_CHECK[(sum % 11) as usize] != bytes[17] {
            return Err(IdentityError::IdCheckDigit);
        }
        Ok(IdNumber(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        // Checked in `parse`.
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").unwrap_or_default()
    }

    /// For showing on screen: 9901**********1234.
    pub fn masked(&self) -> String {
        format!("{}{}{}", &self.0[..4], "*".repeat(10), &self.0[14..])
    }
}

/// A personal number is never written whole to a log by accident.
impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

/// 统一社会信用代码 (GB 32100-2015): registration authority, organisation type, six-digit address
/// code, nine-character organisation code, and a MOD 31 check character, over the 31 characters
/// 0–9 and A–Y without I, O, Z, S, V.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CreditCode(String);

const CREDIT_CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

impl CreditCode {
    pub fn parse(raw: &str) -> Result<CreditCode, IdentityError> {
        let s: String = raw.trim().to_ascii_uppercase();
        let values: Option<Vec<u32>> = s
            .bytes()
            .map(|b| CREDIT_CHARS.iter().position(|c| *c == b).map(|i| i as u32))
            .collect();
        let values = match values {
            Some(v) if v.len() == 18 && s.as_bytes()[2..8].iter().all(u8::is_ascii_digit) => v,
            _ => return Err(IdentityError::CreditCodeCharacters),
        };
        let sum: u32 = values[..17]
            .iter()
            .zip(CREDIT_WEIGHTS)
            .map(|(v, w)| v * w)
            .sum();
        let check = (31 - sum % 31) % 31;
        if values[17] != check {
            return Err(IdentityError::CreditCodeCheck);
        }
        Ok(CreditCode(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 手机号码: 11 digits from 13x to 19x.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MobileNumber(String);

impl MobileNumber {
    pub fn parse(raw: &str) -> Result<MobileNumber, IdentityError> {
        let s: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let s = s.strip_prefix("+86").unwrap_or(&s).to_string();
        let b = s.as_bytes();
        if b.len() == 11 && b.iter().all(u8::is_ascii_digit) && b[0] == b'1' && b[1] >= b'3' {
            Ok(MobileNumber(s))
        } else {
            Err(IdentityError::Mobile)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_number_is_accepted_only_with_its_check_digit_and_a_real_birth_date() {
        let cases = [
            ("11010519491231002X", Ok(())),
            ("11010519491231002x", Ok(())),
            (" 990100199001011234 ", Ok(())),
            ("110105194912310021", Err(IdentityError::IdCheckDigit)),
            ("990100199001011236", Err(IdentityError::IdCheckDigit)),
            ("99010019900230123X", Err(IdentityError::IdBirthDate)),
            ("11010519491231002", Err(IdentityError::IdLength)),
            ("11010519491231002XX", Err(IdentityError::IdLength)),
            ("1101051949123100AX", Err(IdentityError::IdLength)),
            ("", Err(IdentityError::IdLength)),
        ];
        for (raw, expected) in cases {
            assert_eq!(IdNumber::parse(raw).map(|_| ()), expected, "{raw}");
        }
        let id = IdNumber::parse("11010519491231002x").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(id.masked(), "1101**********002X");
        assert!(!format!("{id:?}").contains("19491231"));
    }

    #[test]
    fn a_credit_code_is_accepted_only_with_its_check_character() {
        let cases = [
            ("91350100M000100Y43", Ok(())),
            ("91990100ma0000001g", Ok(())),
            ("91350100M000100Y44", Err(IdentityError::CreditCodeCheck)),
            (
                "91350100M000100Y4",
                Err(IdentityError::CreditCodeCharacters),
            ),
            (
                "91350100M000100YI3",
                Err(IdentityError::CreditCodeCharacters),
            ),
            (
                "913501X0M000100Y43",
                Err(IdentityError::CreditCodeCharacters),
            ),
            (
                "9135010OM000100Y43",
                Err(IdentityError::CreditCodeCharacters),
            ),
        ];
        for (raw, expected) in cases {
            assert_eq!(CreditCode::parse(raw).map(|_| ()), expected, "{raw}");
        }
        assert_eq!(
            CreditCode::parse("91990100ma0000001g").unwrap().as_str(),
            "91990100MA0000001G"
        );
    }

    #[test]
    fn mobile_numbers_are_eleven_digits_from_13_to_19() {
        assert_eq!(
            MobileNumber::parse("138 0000 0000").unwrap().as_str(),
            "13800000000"
        );
        assert_eq!(
            MobileNumber::parse("+86 13800000000").unwrap().as_str(),
            "13800000000"
        );
        for bad in [
            "12800000000",
            "1380000000",
            "138000000001",
            "1380000000a",
            "",
        ] {
            assert_eq!(
                MobileNumber::parse(bad),
                Err(IdentityError::Mobile),
                "{bad}"
            );
        }
    }
}
