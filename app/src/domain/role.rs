//! 角色 (roles): who may do what. Codes are stable and stored in `roles` / `user_roles`.

use serde::{Deserialize, Serialize};

/// 角色 (role) of an account. Staff roles are separated as the security bar asks: the system,
/// security and audit administrators are three different people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 自然人用户: a citizen with a registered account.
    Citizen,
    /// 法人用户: an enterprise or organisation, acting through its 经办人.
    Company,
    /// 窗口人员: takes in applications at the service hall counter.
    Clerk,
    /// 承办人 / 审核人: reviews cases step by step.
    Reviewer,
    /// 批准人: signs the decision.
    Approver,
    /// 部门负责人: approves extensions (延期) and speaks for the department on cards.
    Head,
    /// 监察员: electronic supervision, cards and grades.
    Supervisor,
    /// 系统管理员: catalogue, process definitions, calendar, users.
    Admin,
    /// 安全管理员: accounts, locks, keys.
    SecurityAdmin,
    /// 审计管理员: reads the audit log, and nothing else.
    AuditAdmin,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::Citizen,
        Role::Company,
        Role::Clerk,
        Role::Reviewer,
        Role::Approver,
        Role::Head,
        Role::Supervisor,
        Role::Admin,
        Role::SecurityAdmin,
        Role::AuditAdmin,
    ];

    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::Company => "company",
            Role::Clerk => "clerk",
            Role::Reviewer => "reviewer",
            Role::Approver => "approver",
            Role::Head => "head",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
            Role::SecurityAdmin => "security_admin",
            Role::AuditAdmin => "audit_admin",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Chinese name, as shown on staff pages and in the audit log.
    pub fn name_zh(self) -> &'static str {
        match self {
            Role::Citizen => "自然人用户",
            Role::Company => "法人用户",
            Role::Clerk => "窗口人员",
            Role::Reviewer => "承办审核人",
            Role::Approver => "批准人",
            Role::Head => "部门负责人",
            Role::Supervisor => "监察员",
            Role::Admin => "系统管理员",
            Role::SecurityAdmin => "安全管理员",
            Role::AuditAdmin => "审计管理员",
        }
    }

    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Citizen | Role::Company)
    }

    /// 业务人员: the roles that take in, review, approve and answer cases and letters.
    pub fn handles_cases(self) -> bool {
        matches!(
            self,
            Role::Clerk | Role::Reviewer | Role::Approver | Role::Head
        )
    }

    /// Who may read cases and letters with their personal data: those who handle them and the
    /// supervisors who watch over them. The three administrators may not (separation of duties:
    /// they keep the system, the accounts and the audit log, not the citizens' files).
    pub fn reads_cases(self) -> bool {
        self.handles_cases() || self == Role::Supervisor
    }

    /// Where a person with these roles lands after logging in: the case desk for those who read
    /// cases, an administrator's own section for the administrators, 我的办事 for the public.
    pub fn home_path(roles: &[Role]) -> &'static str {
        if roles.iter().any(|r| r.reads_cases()) {
            "/staff"
        } else if roles.contains(&Role::Admin) {
            StaffSection::Admin.path()
        } else if roles.contains(&Role::SecurityAdmin) {
            StaffSection::Security.path()
        } else if roles.contains(&Role::AuditAdmin) {
            StaffSection::Audit.path()
        } else {
            "/my"
        }
    }

    /// Idle time after which a session ends: staff 10 minutes, citizens 30 (DESIGN.md §6).
    pub fn idle_timeout_secs(roles: &[Role]) -> i64 {
        if roles.iter().any(|r| r.is_staff()) {
            10 * 60
        } else {
            30 * 60
        }
    }
}

/// A section of the staff shell's navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaffSection {
    /// 工作台: everyone's landing page.
    Desk,
    /// 窗口收件与受理.
    Intake,
    /// 审查审核.
    Review,
    /// 批准决定.
    Approve,
    /// 延期审批.
    Extensions,
    /// 咨询、信访与领导信箱.
    Talks,
    /// 督办整改: a department's cards to explain and bad ratings to rectify.
    Oversight,
    /// 电子监察.
    Supervision,
    /// 事项与系统管理.
    Admin,
    /// 账号与安全.
    Security,
    /// 审计日志.
    Audit,
}

impl StaffSection {
    pub fn path(self) -> &'static str {
        match self {
            StaffSection::Desk => "/staff",
            StaffSection::Intake => "/staff/intake",
            StaffSection::Review => "/staff/review",
            StaffSection::Approve => "/staff/approve",
            StaffSection::Extensions => "/staff/extensions",
            StaffSection::Talks => "/staff/talks",
            StaffSection::Oversight => "/staff/oversight",
            StaffSection::Supervision => "/supervision",
            StaffSection::Admin => "/admin",
            StaffSection::Security => "/admin/security",
            StaffSection::Audit => "/admin/audit",
        }
    }

    /// The roles that see this section. The server checks the same list before serving it.
    pub fn allowed(self) -> &'static [Role] {
        use Role::*;
        match self {
            StaffSection::Desk => &[
                Clerk,
                Reviewer,
                Approver,
                Head,
                Supervisor,
                Admin,
                SecurityAdmin,
                AuditAdmin,
            ],
            StaffSection::Intake => &[Clerk],
            StaffSection::Review => &[Reviewer],
            StaffSection::Approve => &[Approver],
            StaffSection::Extensions => &[Head],
            StaffSection::Talks => &[Clerk, Reviewer, Approver, Head, Supervisor],
            StaffSection::Oversight => &[Clerk, Reviewer, Approver, Head],
            StaffSection::Supervision => &[Supervisor],
            StaffSection::Admin => &[Admin],
            StaffSection::Security => &[SecurityAdmin],
            StaffSection::Audit => &[AuditAdmin, Supervisor],
        }
    }

    pub const ALL: [StaffSection; 11] = [
        StaffSection::Desk,
        StaffSection::Intake,
        StaffSection::Review,
        StaffSection::Approve,
        StaffSection::Extensions,
        StaffSection::Talks,
        StaffSection::Oversight,
        StaffSection::Supervision,
        StaffSection::Admin,
        StaffSection::Security,
        StaffSection::Audit,
    ];

    /// The sections in the menu of a person holding `roles`, in menu order. The desk (the case
    /// queues) opens for the three administrators too, to point them to their own sections, but
    /// it is not in their menu: they handle no cases.
    pub fn visible_to(roles: &[Role]) -> Vec<StaffSection> {
        let reads_cases = roles.iter().any(|r| r.reads_cases());
        StaffSection::ALL
            .into_iter()
            .filter(|s| *s != StaffSection::Desk || reads_cases)
            .filter(|s| s.allowed().iter().any(|r| roles.contains(r)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_code_round_trips() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
        assert_eq!(Role::from_code("root"), None);
    }

    #[test]
    fn a_clerk_sees_the_desk_intake_conversations_and_oversight() {
        assert_eq!(
            StaffSection::visible_to(&[Role::Clerk]),
            vec![
                StaffSection::Desk,
                StaffSection::Intake,
                StaffSection::Talks,
                StaffSection::Oversight
            ]
        );
    }

    #[test]
    fn administrators_read_no_cases_and_land_in_their_own_section() {
        for admin in [Role::Admin, Role::SecurityAdmin, Role::AuditAdmin] {
            assert!(!admin.reads_cases() && !admin.handles_cases(), "{admin:?}");
        }
        assert!(Role::Supervisor.reads_cases() && !Role::Supervisor.handles_cases());
        assert!(Role::Clerk.handles_cases());
        assert_eq!(Role::home_path(&[Role::Reviewer]), "/staff");
        assert_eq!(Role::home_path(&[Role::Supervisor]), "/staff");
        assert_eq!(Role::home_path(&[Role::Admin]), "/admin");
        assert_eq!(Role::home_path(&[Role::SecurityAdmin]), "/admin/security");
        assert_eq!(Role::home_path(&[Role::AuditAdmin]), "/admin/audit");
        assert_eq!(Role::home_path(&[Role::Citizen]), "/my");
        assert_eq!(
            StaffSection::visible_to(&[Role::SecurityAdmin]),
            vec![StaffSection::Security]
        );
        assert_eq!(
            StaffSection::visible_to(&[Role::AuditAdmin]),
            vec![StaffSection::Audit]
        );
        assert_eq!(
            StaffSection::visible_to(&[Role::Supervisor])[0],
            StaffSection::Desk
        );
    }

    #[test]
    fn a_citizen_sees_no_staff_section() {
        assert!(StaffSection::visible_to(&[Role::Citizen]).is_empty());
    }

    #[test]
    fn the_audit_administrator_cannot_administer_the_system() {
        let sections = StaffSection::visible_to(&[Role::AuditAdmin]);
        assert!(sections.contains(&StaffSection::Audit));
        assert!(!sections.contains(&StaffSection::Admin));
        assert!(!sections.contains(&StaffSection::Security));
    }

    #[test]
    fn staff_sessions_expire_sooner_than_citizen_sessions() {
        assert_eq!(Role::idle_timeout_secs(&[Role::Citizen]), 1800);
        assert_eq!(Role::idle_timeout_secs(&[Role::Clerk]), 600);
    }
}
