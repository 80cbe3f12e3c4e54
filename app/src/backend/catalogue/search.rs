//! 事项搜索: matching a parsed query against the items' search text (Chinese, full pinyin,
//! pinyin initials) with `LIKE`, which handles one-character queries that a word index would
//! miss; ranking in Rust (`domain::search::score`). 2,000 items is a small table: the query
//! reads only the summary columns.

use super::super::entities::{department, item_topic, service_item};
use super::super::error::{ServiceError, ServiceResult};
use crate::domain::catalogue::{Audience, Guide, ItemType, Scope};
use crate::domain::catalogue_read::{DepartmentInfo, ItemSummary, SearchResults};
use crate::domain::process::ItemKind;
use crate::domain::search::{like_pattern, score, SearchQuery, Spelling};
use pinyin::ToPinyinMulti;
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use std::collections::HashMap;

/// The pinyin of a text: full (`shenfenzheng`) and initials (`sfz`), in each character's most
/// common reading. Letters and digits are kept as they are (lower-case); other characters are
/// dropped.
pub fn spell(text: &str) -> (String, String) {
    spellings(text).swap_remove(0)
}

/// Polyphonic characters common in the names of services whose usual reading can be the wrong one
/// for the word (调处 tiaochu, 银行 yinhang, 重新 chongxin, 还贷 huandai). Other characters keep
/// their most common reading: the dictionary's rare readings (居 ji, 身 juan) would only add noise
/// to every search.
const POLYPHONES: &str = "行重长乐调还藏朝传差曾都省降区单解会少种供处系称量率便更";

/// Besides the usual spelling, each character of `POLYPHONES` is also spelled in its other
/// readings, one character at a time, up to a few spellings per text.
pub fn spellings(text: &str) -> Vec<(String, String)> {
    const MAX_SPELLINGS: usize = 4;
    let chars: Vec<(char, Vec<pinyin::Pinyin>)> = text
        .chars()
        .zip(text.to_pinyin_multi())
        .map(|(c, multi)| {
            (
                c,
                multi.map(|m| m.into_iter().collect()).unwrap_or_default(),
            )
        })
        .collect();
    let render = |choice: Option<(usize, usize)>| {
        let mut full = String::new();
        let mut initials = String::new();
        for (i, (c, readings)) in chars.iter().enumerate() {
            let reading = match choice {
                Some((at, r)) if at == i => readings.get(r),
                _ => readings.first(),
            };
            match reading {
                Some(p) => {
                    full.push_str(p.plain());
                    initials.push_str(p.first_letter());
                }
                None if c.is_ascii_alphanumeric() => {
                    full.push(c.to_ascii_lowercase());
                    initials.push(c.to_ascii_lowercase());
                }
                None => {}
            }
        }
        (full, initials)
    };
    let mut out = vec![render(None)];
    for (i, (c, readings)) in chars.iter().enumerate() {
        if !POLYPHONES.contains(*c) {
            continue;
        }
        for r in 1..readings.len() {
            let spelled = render(Some((i, r)));
            if out.len() < MAX_SPELLINGS && !out.contains(&spelled) {
                out.push(spelled);
            }
        }
    }
    out
}

/// The searchable columns of an item.
pub struct ItemSpelling {
    pub search_text: String,
    pub name_pinyin: String,
    pub name_initials: String,
    pub keywords: String,
}

pub fn spell_item(guide: &Guide, department_name: &str) -> ItemSpelling {
    let (name_pinyin, name_initials) = spell(&guide.name);
    let mut text = vec![guide.name.to_lowercase()];
    for (full, initials) in spellings(&guide.name) {
        text.extend([full, initials]);
    }
    for keyword in &guide.keywords {
        text.push(keyword.to_lowercase());
        for (full, initials) in spellings(keyword) {
            text.extend([full, initials]);
        }
    }
    text.push(department_name.to_lowercase());
    text.push(guide.result_name.to_lowercase());
    ItemSpelling {
        // `|` between the parts keeps a term from matching across two of them.
        search_text: text.join("|"),
        name_pinyin,
        name_initials: name_initials.chars().take(100).collect(),
        keywords: guide
            .keywords
            .iter()
            .map(|k| k.to_lowercase().replace(' ', ""))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// The departments with the number of current items each handles, in the hall's order.
pub async fn departments(db: &impl ConnectionTrait) -> ServiceResult<Vec<DepartmentInfo>> {
    let counts: HashMap<String, i64> = service_item::Entity::find()
        .select_only()
        .column(service_item::Column::DepartmentCode)
        .column_as(service_item::Column::Id.count(), "n")
        .filter(service_item::Column::Retired.eq(false))
        .group_by(service_item::Column::DepartmentCode)
        .into_tuple::<(String, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(department::Entity::find()
        .order_by_asc(department::Column::SortOrder)
        .order_by_asc(department::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|d| {
            let count = counts.get(&d.code).copied().unwrap_or(0) as u32;
            department_info(d, count)
        })
        .collect())
}

/// A department row as pages show it.
pub(super) fn department_info(d: department::Model, item_count: u32) -> DepartmentInfo {
    DepartmentInfo {
        code: d.code,
        name: d.name,
        short_name: d.short_name,
        phone: d.phone,
        address: d.address,
        item_count,
    }
}

/// One page of items matching `query`. Retired items only when `include_retired` (administrators).
pub async fn search(
    db: &impl ConnectionTrait,
    query: &SearchQuery,
    include_retired: bool,
) -> ServiceResult<SearchResults> {
    let departments = departments(db).await?;
    let names: HashMap<&str, &str> = departments
        .iter()
        .map(|d| (d.code.as_str(), d.name.as_str()))
        .collect();
    let select = filtered(query, include_retired);
    let (total, rows) = if query.terms.is_empty() {
        // Browsing: alphabetical by pinyin, paged by the database.
        let total = select.clone().count(db).await?;
        let rows = select
            .order_by_asc(service_item::Column::NamePinyin)
            .order_by_asc(service_item::Column::Code)
            .offset(query.offset())
            .limit(u64::from(query.per_page))
            .all(db)
            .await?;
        (total, rows)
    } else {
        // Searching: every match is ranked by the few columns ranking needs, then only the
        // page's rows are read whole ("证" matches half the catalogue).
        let candidates: Vec<(i32, String, String, String, String, String)> = select
            .select_only()
            .columns([
                service_item::Column::Id,
                service_item::Column::Code,
                service_item::Column::Name,
                service_item::Column::NamePinyin,
                service_item::Column::NameInitials,
                service_item::Column::Keywords,
            ])
            .into_tuple()
            .all(db)
            .await?;
        let total = candidates.len() as u64;
        let mut ranked: Vec<(u32, &str, i32)> = candidates
            .iter()
            .map(|(id, code, name, pinyin, initials, keywords)| {
                let keywords: Vec<String> = keywords.split(' ').map(str::to_string).collect();
                let rank = score(
                    &query.terms,
                    &Spelling {
                        name,
                        keywords: &keywords,
                        name_pinyin: pinyin,
                        name_initials: initials,
                    },
                );
                (rank, code.as_str(), *id)
            })
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let ids: Vec<i32> = ranked
            .into_iter()
            .skip(query.offset() as usize)
            .take(query.per_page as usize)
            .map(|(_, _, id)| id)
            .collect();
        let mut rows = service_item::Entity::find()
            .filter(service_item::Column::Id.is_in(ids.clone()))
            .all(db)
            .await?;
        rows.sort_by_key(|row| ids.iter().position(|id| *id == row.id));
        (total, rows)
    };
    let items = rows
        .into_iter()
        .map(|row| {
            let name = names
                .get(row.department_code.as_str())
                .copied()
                .unwrap_or("");
            summary(row, name)
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    Ok(SearchResults {
        query: query.text.clone(),
        notice: query.notice.clone(),
        total,
        page: query.page,
        per_page: query.per_page,
        items,
        departments,
    })
}

/// The summary columns only: the guide JSON is not read for a list.
fn filtered(query: &SearchQuery, include_retired: bool) -> Select<service_item::Entity> {
    let mut select = service_item::Entity::find();
    if !include_retired {
        select = select.filter(service_item::Column::Retired.eq(false));
    }
    if let Some(department) = &query.department {
        select = select.filter(service_item::Column::DepartmentCode.eq(department.as_str()));
    }
    match query.audience {
        Some(Audience::Person) => select = select.filter(service_item::Column::ForPerson.eq(true)),
        Some(Audience::Company) => {
            select = select.filter(service_item::Column::ForCompany.eq(true))
        }
        None => {}
    }
    if let Some(topic) = query.topic {
        select = select.filter(
            service_item::Column::Id.in_subquery(
                Query::select()
                    .column(item_topic::Column::ItemId)
                    .from(item_topic::Entity)
                    .and_where(item_topic::Column::Topic.eq(topic.code()))
                    .to_owned(),
            ),
        );
    }
    let mut terms = Condition::all();
    for term in &query.terms {
        terms = terms.add(
            Expr::col(service_item::Column::SearchText)
                .like(LikeExpr::new(like_pattern(term)).escape('\\')),
        );
    }
    select.filter(terms)
}

/// A row as a list shows it. A stored code the program no longer knows is a defect worth a log
/// line, not a broken page for the visitor.
pub(super) fn summary(
    row: service_item::Model,
    department_name: &str,
) -> ServiceResult<ItemSummary> {
    let bad = |what: &str, code: &str| {
        ServiceError::Internal(format!("item {}: unknown {what} {code}", row.code))
    };
    let mut audiences = Vec::new();
    if row.for_person {
        audiences.push(Audience::Person);
    }
    if row.for_company {
        audiences.push(Audience::Company);
    }
    Ok(ItemSummary {
        item_type: ItemType::from_code(&row.item_type)
            .ok_or_else(|| bad("type", &row.item_type))?,
        handling: item_kind(&row.handling).ok_or_else(|| bad("handling", &row.handling))?,
        scope: Scope::from_code(&row.scope).ok_or_else(|| bad("scope", &row.scope))?,
        audiences,
        online: row.online,
        visits: u8::try_from(row.visits).unwrap_or(0),
        legal_limit: u32::try_from(row.legal_limit).unwrap_or(0),
        promised_limit: u32::try_from(row.promised_limit).unwrap_or(0),
        charged: row.charged,
        retired: row.retired,
        department_name: department_name.to_string(),
        code: row.code,
        name: row.name,
        department: row.department_code,
    })
}

fn item_kind(code: &str) -> Option<ItemKind> {
    [ItemKind::Immediate, ItemKind::Promised, ItemKind::Joint]
        .into_iter()
        .find(|k| k.code() == code)
}

#[cfg(test)]
mod tests {
    use super::{spell, spellings};

    #[test]
    fn chinese_is_spelled_in_full_pinyin_and_initials() {
        assert_eq!(
            spell("居民身份证换领"),
            ("juminshenfenzhenghuanling".into(), "jmsfzhl".into())
        );
        assert_eq!(
            spell("ICP备案（B2）"),
            ("icpbeianb2".into(), "icpbab2".into())
        );
    }

    #[test]
    fn polyphonic_characters_are_also_spelled_in_their_other_readings() {
        let all = spellings("土地权属争议调处");
        assert!(
            all.iter().any(|(_, initials)| initials == "tdqszytc"),
            "{all:?}"
        );
        assert!(spellings("银行").iter().any(|(full, _)| full == "yinhang"));
        assert_eq!(
            spellings("身份证")[0],
            ("shenfenzheng".into(), "sfz".into())
        );
    }
}
