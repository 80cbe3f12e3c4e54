//! 注册 (registration) of a natural person or a legal person: every field checked at once, each
//! problem in Chinese next to its field, so one submit tells the person everything to fix.

use super::application_form::{is_email, looks_like_markup, Problems};
use super::identity::{CreditCode, IdNumber, MobileNumber};
use super::password::check_new_password;
use super::username::Username;
use serde::{Deserialize, Serialize};

/// What the registration form posts. `kind` is `person` or `company`; fields of the other kind are
/// ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationForm {
    pub kind: String,
    pub username: String,
    pub password: String,
    pub password_again: String,
    /// 姓名 (person) — or 经办人姓名 (company).
    pub name: String,
    /// 身份证号 (person) — or the 经办人's (company).
    pub id_number: String,
    pub company_name: String,
    pub credit_code: String,
    pub mobile: String,
    pub email: String,
    /// 同意服务协议与隐私政策.
    pub agree: Option<String>,
}

/// A registration that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub username: Username,
    pub password: String,
    /// The account's display name: the person's name or the company's.
    pub display_name: String,
    pub identity: RegisteredIdentity,
    pub mobile: MobileNumber,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisteredIdentity {
    Person {
        id_number: IdNumber,
    },
    Company {
        credit_code: CreditCode,
        agent_name: String,
        agent_id_number: IdNumber,
    },
}

fn name_problem(label: &str, value: &str, max: usize) -> Option<String> {
    let n = value.chars().count();
    if n == 0 {
        Some(format!("请填写{label}"))
    } else if n > max {
        Some(format!("{label}不能超过 {max} 个字"))
    } else if looks_like_markup(value) || value.chars().any(|c| c.is_control()) {
        Some(format!("{label}中有不能使用的字符"))
    } else {
        None
    }
}

impl RegistrationForm {
    /// The checked registration, or every problem keyed by field name.
    pub fn check(&self) -> Result<Registration, Problems> {
        let mut problems = Problems::new();
        let company = match self.kind.as_str() {
            "person" => false,
            "company" => true,
            _ => {
                problems.insert("kind".into(), "请选择个人注册或法人注册".into());
                false
            }
        };
        let username = Username::parse(&self.username)
            .map_err(|e| problems.insert("username".into(), e.to_string()))
            .ok();
        if self.password != self.password_again {
            problems.insert("password_again".into(), "两次输入的密码不一致".into());
        }
        if let Err(e) = check_new_password(&self.password, self.username.trim()) {
            problems.insert("password".into(), e.to_string());
        }
        let name = self.name.trim();
        let name_label = if company { "经办人姓名" } else { "姓名" };
        if let Some(p) = name_problem(name_label, name, 50) {
            problems.insert("name".into(), p);
        }
        let id_number = IdNumber::parse(&self.id_number)
            .map_err(|e| problems.insert("id_number".into(), e.to_string()))
            .ok();
        let mobile = MobileNumber::parse(&self.mobile)
            .map_err(|e| problems.insert("mobile".into(), e.to_string()))
            .ok();
        let email = self.email.trim();
        if !email.is_empty() && !is_email(email) {
            problems.insert(
                "email".into(),
                "电子邮箱格式不对，例如 zhang@example.com".into(),
            );
        }
        let company_name = self.company_name.trim();
        let credit_code = if company {
            if let Some(p) = name_problem("单位名称", company_name, 100) {
                problems.insert("company_name".into(), p);
            }
            CreditCode::parse(&self.credit_code)
                .map_err(|e| problems.insert("credit_code".into(), e.to_string()))
                .ok()
        } else {
            None
        };
        if self.agree.is_none() {
            problems.insert("agree".into(), "请阅读并同意服务协议和隐私政策".into());
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let (Some(username), Some(id_number), Some(mobile)) = (username, id_number, mobile) else {
            unreachable!("a missing value always leaves a problem");
        };
        let identity = match credit_code {
            Some(credit_code) => RegisteredIdentity::Company {
                credit_code,
                agent_name: name.to_string(),
                agent_id_number: id_number,
            },
            None => RegisteredIdentity::Person { id_number },
        };
        Ok(Registration {
            username,
            password: self.password.clone(),
            display_name: if company { company_name } else { name }.to_string(),
            identity,
            mobile,
            email: (!email.is_empty()).then(|| email.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> RegistrationForm {
        RegistrationForm {
            kind: "person".into(),
            username: "zhangsan88".into(),
            password: "Lanhua#2026".into(),
            password_again: "Lanhua#2026".into(),
            name: "张三".into(),
            id_number: "11010519491231002x".into(),
            mobile: "138 0013 8000".into(),
            email: "zhangsan@example.com".into(),
            agree: Some("1".into()),
            ..RegistrationForm::default()
        }
    }

    #[test]
    fn a_person_registers_with_a_valid_id_number() {
        let r = person().check().unwrap();
        assert_eq!(r.display_name, "张三");
        assert_eq!(r.mobile.as_str(), "13800138000");
        match r.identity {
            RegisteredIdentity::Person { id_number } => {
                assert_eq!(id_number.as_str(), "11010519491231002X")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_company_registers_with_its_credit_code_and_agent() {
        let form = RegistrationForm {
            kind: "company".into(),
            company_name: "示范市青禾农业科技有限公司".into(),
            credit_code: "91350100M000100Y43".into(),
            ..person()
        };
        let r = form.check().unwrap();
        assert_eq!(r.display_name, "示范市青禾农业科技有限公司");
        assert!(
            matches!(r.identity, RegisteredIdentity::Company { ref agent_name, .. } if agent_name == "张三")
        );
        let wrong = RegistrationForm {
            credit_code: "91350100M000100Y44".into(),
            ..form
        };
        assert!(wrong.check().unwrap_err()["credit_code"].contains("校验位"));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let form = RegistrationForm {
            kind: "person".into(),
            username: "a".into(),
            password: "zhangsan".into(),
            password_again: "zhangsan1".into(),
            name: "<b>张三</b>".into(),
            id_number: "1101051949123100".into(),
            mobile: "12345".into(),
            email: "no-at-sign".into(),
            agree: None,
            ..RegistrationForm::default()
        };
        let p = form.check().unwrap_err();
        let keys: Vec<&str> = p.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "agree",
                "email",
                "id_number",
                "mobile",
                "name",
                "password",
                "password_again",
                "username"
            ]
        );
        assert!(p["id_number"].contains("18 位"));
    }
}
