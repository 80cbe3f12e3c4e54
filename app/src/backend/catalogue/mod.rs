//! 事项目录 (the service catalogue): items and their guides, versions, search, form files, and
//! import / export as JSON.

pub mod forms;
pub mod items;
pub mod search;
pub mod transfer;

#[cfg(test)]
pub(crate) mod tests;

use super::audit::AuditEntry;
use chrono::{DateTime, Utc};

/// Who changes the catalogue: an administrator's account, or `seed` / `cli` / `import`.
#[derive(Debug, Clone)]
pub struct Editor {
    pub user_id: Option<i32>,
    pub name: String,
}

impl Editor {
    pub fn named(name: &str) -> Editor {
        Editor {
            user_id: None,
            name: name.to_string(),
        }
    }

    fn entry(
        &self,
        action: &str,
        target: String,
        detail: String,
        now: DateTime<Utc>,
    ) -> AuditEntry {
        AuditEntry {
            actor_user_id: self.user_id,
            ..AuditEntry::by(&self.name, action, target, detail, now)
        }
    }
}
