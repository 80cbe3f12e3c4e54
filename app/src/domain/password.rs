//! 密码规则 (password rules): what a new password must satisfy before it is hashed.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("密码至少需要 8 个字符")]
    TooShort,
    #[error("密码不能超过 128 个字符")]
    TooLong,
    #[error("密码需包含大写字母、小写字母、数字、符号中的至少三类")]
    TooFewClasses,
    #[error("这个密码太常见，很容易被猜到，请换一个")]
    Common,
    #[error("密码不能包含用户名")]
    ContainsUsername,
}

/// Whether `password` is on the list of passwords guessers try first.
fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    include_str!("common_passwords.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .any(|l| l == lower)
}

/// Checks the length (8–128) and that at least three of the four character classes occur,
/// the usual rule of 等级保护 assessments. The upper bound keeps hashing cost bounded.
pub fn check_password(password: &str) -> Result<(), PasswordError> {
    let len = password.chars().count();
    if len < 8 {
        return Err(PasswordError::TooShort);
    }
    if len > 128 {
        return Err(PasswordError::TooLong);
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|present| **present).count() < 3 {
        return Err(PasswordError::TooFewClasses);
    }
    if is_common(password) {
        return Err(PasswordError::Common);
    }
    Ok(())
}

/// The rules for a new password of an account: those of [`check_password`], and not the username
/// itself inside it.
pub fn check_new_password(password: &str, username: &str) -> Result<(), PasswordError> {
    check_password(password)?;
    if username.chars().count() >= 3 && password.to_lowercase().contains(&username.to_lowercase()) {
        return Err(PasswordError::ContainsUsername);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_password_may_not_contain_the_username() {
        assert_eq!(
            check_new_password("Zhangsan@88", "zhangsan"),
            Err(PasswordError::ContainsUsername)
        );
        assert_eq!(check_new_password("Lanhua#2026", "zhangsan"), Ok(()));
    }

    #[test]
    fn passwords_are_checked_for_length_and_variety() {
        let cases: &[(&str, Result<(), PasswordError>)] = &[
            ("Ab1!", Err(PasswordError::TooShort)),
            ("abcdefgh", Err(PasswordError::TooFewClasses)),
            ("abcd1234", Err(PasswordError::TooFewClasses)),
            ("Abcd1234", Ok(())),
            ("abcd123!", Ok(())),
            ("Demo@2026", Ok(())),
            ("P@ssw0rd", Err(PasswordError::Common)),
            ("Admin@123", Err(PasswordError::Common)),
            ("WoAiNi1314!", Err(PasswordError::Common)),
        ];
        for (pw, expected) in cases {
            assert_eq!(&check_password(pw), expected, "{pw}");
        }
        assert_eq!(
            check_password(&"Aa1".repeat(50)),
            Err(PasswordError::TooLong)
        );
    }
}
