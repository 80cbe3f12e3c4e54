//! Exports: every supervision table as an Excel workbook (one sheet) or as CSV, with the filters
//! of the page it is exported from, through the same `Table` shape (figures tables are the very
//! rows the page draws).

use super::{cards::card_table, league::league, summary, Scope};
use crate::backend::audit::{self, AuditEntry};
use crate::backend::auth::Account;
use crate::backend::db::begin_write;
use crate::backend::error::{ServiceError, ServiceResult};
use crate::backend::ratings::rating_table;
use crate::domain::supervision::{figures_table, CardStatus, Cell, Period, Table};
use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook};
use sea_orm::DatabaseConnection;

/// What an export asks for: the table's code (`summary`, `league`, `cards`, `ratings`) and the
/// filters of its page (period or quarter, department, a card status and colour, a rating filter).
#[derive(Default)]
pub struct ExportRequest<'a> {
    pub table: &'a str,
    pub period: Option<Period>,
    pub quarter: Option<&'a str>,
    pub department: Option<&'a str>,
    pub status: Option<CardStatus>,
    pub color: Option<&'a str>,
    pub filter: Option<&'a str>,
}

/// Builds the table an export asks for, with the same access rules as its page.
pub async fn table_of(
    db: &DatabaseConnection,
    account: &Account,
    req: &ExportRequest<'_>,
    today: NaiveDate,
) -> ServiceResult<Table> {
    let scope = Scope::of(account)?;
    let period = match req.period {
        Some(p) => p,
        None => Period::chosen("year", None, None, today).map_err(ServiceError::Invalid)?,
    };
    let table = match req.table {
        "summary" => {
            // The dashboard's table is the supervisors', as the dashboard is.
            super::require_supervisor(account)?;
            let s = summary(db, &scope, period, "", today).await?;
            let mut rows = vec![s.region];
            rows.extend(s.departments);
            Ok(figures_table(
                &format!("部门办件情况 {} 至 {}", s.period.from, s.period.to),
                &rows,
            ))
        }
        "league" => {
            let l = league(db, account, req.quarter, today).await?;
            Ok(figures_table(&format!("{} 季度考核", l.quarter), &l.rows))
        }
        "cards" => card_table(db, account, req.status, req.color, req.department).await,
        "ratings" => {
            rating_table(
                db,
                account,
                period,
                req.filter.unwrap_or("all"),
                req.department,
            )
            .await
        }
        _ => Err(ServiceError::Invalid("没有这张表".into())),
    }?;
    audit_export(db, account, req, period).await?;
    Ok(table)
}

/// Every export is a staff action on personal data (names, comments): it is audited.
async fn audit_export(
    db: &DatabaseConnection,
    account: &Account,
    req: &ExportRequest<'_>,
    period: Period,
) -> ServiceResult<()> {
    let txn = begin_write(db).await?;
    audit::append(
        &txn,
        AuditEntry::of(
            account,
            "supervision.export",
            format!("table:{}", req.table),
            format!(
                "{} 至 {} {} {}",
                period.from,
                period.to,
                req.quarter.unwrap_or_default(),
                req.department.unwrap_or_default()
            ),
            chrono::Utc::now(),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// An xlsx workbook of a table: a bold header row, numbers as numbers, rates as percentages.
pub fn export_xlsx(table: &Table) -> ServiceResult<Vec<u8>> {
    let fail = |e: rust_xlsxwriter::XlsxError| ServiceError::Internal(e.to_string());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    // Sheet names: at most 31 characters, none of []:*?/\.
    let name: String = table
        .title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    sheet.set_name(&name).map_err(fail)?;
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.0%");
    let one_decimal = Format::new().set_num_format("0.0");
    for (col, header) in table.headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, header, &bold)
            .map_err(fail)?;
        let width = header.chars().count().max(6) as f64 * 2.2;
        sheet.set_column_width(col as u16, width).map_err(fail)?;
    }
    for (i, row) in table.rows.iter().enumerate() {
        let r = i as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(t) => sheet.write_string(r, c, t).map(|_| ()),
                Cell::Int(n) => sheet.write_number(r, c, *n as f64).map(|_| ()),
                Cell::Rate(Some(x)) => sheet
                    .write_number_with_format(r, c, *x, &percent)
                    .map(|_| ()),
                Cell::Number(Some(x)) => sheet
                    .write_number_with_format(r, c, *x, &one_decimal)
                    .map(|_| ()),
                Cell::Rate(None) | Cell::Number(None) => sheet.write_string(r, c, "—").map(|_| ()),
            }
            .map_err(fail)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    book.save_to_buffer().map_err(fail)
}
