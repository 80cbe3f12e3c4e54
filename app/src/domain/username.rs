//! 用户名 (username): parsed once at the edge, so the rest of the code never sees a bad one.

use serde::{Deserialize, Serialize};
use std::fmt;

/// 用户名: 3–64 characters of ASCII letters, digits, `_`, `-` and `.`, starting with a letter or
/// digit. Stored lower-case so that `Clerk1` and `clerk1` are one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Username(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    #[error("用户名长度应为 3 至 64 个字符")]
    Length,
    #[error("用户名只能包含字母、数字、下划线、短横线和点，且以字母或数字开头")]
    Characters,
}

impl Username {
    pub fn parse(raw: &str) -> Result<Username, UsernameError> {
        let s = raw.trim().to_ascii_lowercase();
        if !(3..=64).contains(&s.chars().count()) {
            return Err(UsernameError::Length);
        }
        let first_ok = s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        let rest_ok = s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !first_ok || !rest_ok {
            return Err(UsernameError::Characters);
        }
        Ok(Username(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_username_is_stored_lower_case_and_trimmed() {
        assert_eq!(Username::parse("  Clerk1 ").unwrap().as_str(), "clerk1");
    }

    #[test]
    fn usernames_of_bad_length_or_characters_are_refused() {
        let cases = [
            ("ab", UsernameError::Length),
            (&"a".repeat(65), UsernameError::Length),
            ("_admin", UsernameError::Characters),
            ("张三", UsernameError::Length),
            ("张三丰", UsernameError::Characters),
            ("a b c", UsernameError::Characters),
            ("x'; drop table users;--", UsernameError::Characters),
        ];
        for (raw, expected) in cases {
            assert_eq!(Username::parse(raw), Err(expected), "{raw}");
        }
    }
}
