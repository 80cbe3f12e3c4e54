//! Database migrations: one schema for SQLite and PostgreSQL. A migration that has landed is never edited;
//! change the schema with a new file.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_departments_users_roles;
mod m20261123_000002_calendar_years;
mod m20261123_000003_applications;
mod m20261130_000004_catalogue;
mod m20261130_000005_online_applications;
mod m20261201_000006_back_office;
mod m20261202_000007_conversations;
mod m20261203_000008_supervision;
mod m20261204_000009_two_factor;
mod m20261205_000010_audit_retention;

pub use m20261123_000001_departments_users_roles::GENESIS_HASH;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_departments_users_roles::Migration),
            Box::new(m20261123_000002_calendar_years::Migration),
            Box::new(m20261123_000003_applications::Migration),
            Box::new(m20261130_000004_catalogue::Migration),
            Box::new(m20261130_000005_online_applications::Migration),
            Box::new(m20261201_000006_back_office::Migration),
            Box::new(m20261202_000007_conversations::Migration),
            Box::new(m20261203_000008_supervision::Migration),
            Box::new(m20261204_000009_two_factor::Migration),
            Box::new(m20261205_000010_audit_retention::Migration),
        ]
    }
}
