//! Catalogue tests on real databases (a fresh SQLite file and a fresh PostgreSQL database each):
//! search by Chinese, one character, full pinyin and initials; versions; retiring; forms and
//! their downloads; import and export; the demo catalogue; the one-page guide PDF.

use super::forms::{self, NewForm};
use super::search::search;
use super::transfer;
use super::{items, Editor};
use crate::backend::departments::{self, NewDepartment};
use crate::backend::entities::{audit_log, service_item_version};
use crate::backend::error::ServiceError;
use crate::backend::files::LocalFiles;
use crate::backend::testing::TestDb;
use crate::backend::{audit, processes};
use crate::domain::catalogue::tests::sample_guide;
use crate::domain::catalogue::{Audience, FormKind, Guide, Topic};
use crate::domain::search::{SearchInput, SearchQuery};
use chrono::{DateTime, Duration, TimeZone, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).unwrap()
}

fn admin() -> Editor {
    Editor {
        user_id: None,
        name: "admin1".into(),
    }
}

fn files() -> (LocalFiles, std::path::PathBuf) {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "yizhan-catalogue-files-{}-{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    (LocalFiles::new(&dir), dir)
}

async fn departments(db: &DatabaseConnection) {
    for (i, (code, name)) in [("gaj", "示范市公安局"), ("scjg", "示范市市场监督管理局")]
        .into_iter()
        .enumerate()
    {
        departments::ensure(
            db,
            &NewDepartment {
                code,
                name,
                short_name: name,
                phone: "0000-1",
                address: "示范市",
                sort_order: i as i32,
            },
            t0(),
        )
        .await
        .unwrap();
    }
}

fn guide(code: &str, name: &str, keywords: &[&str], department: &str) -> Guide {
    let mut g = sample_guide();
    g.code = code.into();
    g.name = name.into();
    g.keywords = keywords.iter().map(|k| k.to_string()).collect();
    g.department = department.into();
    g.result_name = format!("{name}结果");
    g
}

/// Three items: an ID card renewal, a business licence, a food permit (for companies).
async fn catalogue(db: &DatabaseConnection) {
    departments(db).await;
    let mut licence = guide("990100-XK-0002", "企业设立登记", &["营业执照"], "scjg");
    licence.audiences = vec![Audience::Company];
    licence.topics = vec![Topic::Startup];
    let mut food = guide("990100-XK-0003", "食品经营许可", &[], "scjg");
    food.audiences = vec![Audience::Company];
    food.topics = vec![Topic::Operation];
    for g in [
        guide("990100-QR-0001", "居民身份证换领", &["身份证"], "gaj"),
        licence,
        food,
    ] {
        items::save(db, g, None, "", &admin(), t0()).await.unwrap();
    }
}

async fn find(db: &DatabaseConnection, q: &str) -> Vec<String> {
    let query = SearchQuery::parse(&SearchInput {
        q: Some(q.into()),
        ..Default::default()
    });
    search(db, &query, false)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|i| i.name)
        .collect()
}

#[tokio::test]
async fn search_finds_by_chinese_one_character_full_pinyin_and_initials() {
    for t in TestDb::both().await {
        catalogue(&t.db).await;
        let db = &t.db;
        assert_eq!(
            find(db, "身份证").await,
            vec!["居民身份证换领"],
            "{}",
            t.label
        );
        assert_eq!(
            find(db, "换").await,
            vec!["居民身份证换领"],
            "{}: one character",
            t.label
        );
        assert_eq!(find(db, "证").await, vec!["居民身份证换领"], "{}", t.label);
        assert_eq!(
            find(db, "食品").await,
            vec!["食品经营许可"],
            "{}: two characters",
            t.label
        );
        assert_eq!(
            find(db, "shenfenzheng").await,
            vec!["居民身份证换领"],
            "{}: pinyin",
            t.label
        );
        assert_eq!(
            find(db, "SFZ").await,
            vec!["居民身份证换领"],
            "{}: initials",
            t.label
        );
        assert_eq!(
            find(db, "spjy").await,
            vec!["食品经营许可"],
            "{}: initials",
            t.label
        );
        assert_eq!(
            find(db, "营业执照").await,
            vec!["企业设立登记"],
            "{}: keyword",
            t.label
        );
        assert_eq!(
            find(db, "yyzz").await,
            vec!["企业设立登记"],
            "{}: keyword initials",
            t.label
        );
        assert_eq!(
            find(db, "市场监督").await.len(),
            2,
            "{}: department",
            t.label
        );
        assert_eq!(
            find(db, "食品 许可").await,
            vec!["食品经营许可"],
            "{}: every word",
            t.label
        );
        assert!(find(db, "结婚").await.is_empty(), "{}", t.label);
        t.finish().await;
    }
}

#[tokio::test]
async fn hostile_searches_match_literally_and_fail_nothing() {
    for t in TestDb::both().await {
        catalogue(&t.db).await;
        let db = &t.db;
        for q in [
            "' OR 1=1 --",
            "\"; DROP TABLE service_items; --",
            "%",
            "_",
            "\\",
            "<script>alert(1)</script>",
            &"证".repeat(10_000),
        ] {
            let found = find(db, q).await;
            assert!(found.len() <= 1, "{}: {q:.20} matched {found:?}", t.label);
        }
        // Control characters alone are no search: the whole catalogue, as for an empty box.
        assert_eq!(find(db, "\u{0}\u{7}").await.len(), 3, "{}", t.label);
        assert_eq!(find(db, "").await.len(), 3, "{}", t.label);
        t.finish().await;
    }
}

#[tokio::test]
async fn browsing_filters_by_audience_topic_and_department_and_pages() {
    for t in TestDb::both().await {
        catalogue(&t.db).await;
        let run = |input: SearchInput| {
            let db = t.db.clone();
            async move {
                search(&db, &SearchQuery::parse(&input), false)
                    .await
                    .unwrap()
            }
        };
        let companies = run(SearchInput {
            audience: Some("company".into()),
            ..Default::default()
        })
        .await;
        assert_eq!(companies.total, 2, "{}", t.label);
        let startup = run(SearchInput {
            topic: Some("startup".into()),
            ..Default::default()
        })
        .await;
        assert_eq!(startup.items[0].name, "企业设立登记", "{}", t.label);
        let police = run(SearchInput {
            department: Some("gaj".into()),
            ..Default::default()
        })
        .await;
        assert_eq!(police.total, 1, "{}", t.label);
        let page2 = run(SearchInput {
            per_page: Some(2),
            page: Some(2),
            ..Default::default()
        })
        .await;
        assert_eq!(
            (page2.total, page2.items.len(), page2.pages()),
            (3, 1, 2),
            "{}",
            t.label
        );
        let counts: Vec<(String, u32)> = page2
            .departments
            .iter()
            .map(|d| (d.code.clone(), d.item_count))
            .collect();
        assert_eq!(
            counts,
            vec![("gaj".into(), 1), ("scjg".into(), 2)],
            "{}",
            t.label
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn editing_a_guide_makes_a_new_version_and_keeps_the_old_one() {
    for t in TestDb::both().await {
        departments(&t.db).await;
        let db = &t.db;
        let g = sample_guide();
        let first = items::save(db, g.clone(), None, "", &admin(), t0())
            .await
            .unwrap();
        assert_eq!(first.version, 1);
        let mut edited = g.clone();
        edited.promised_limit = 15;
        edited.fee = None;
        let later = t0() + Duration::days(3);
        let second = items::save(db, edited, Some(1), "按新规缩短时限", &admin(), later)
            .await
            .unwrap();
        assert_eq!(
            (second.version, second.changed),
            (2, vec!["承诺办结时限", "收费"])
        );
        // The old version is kept whole; the public guide is the new one, dated.
        let old = items::version(db, &g.code, 1).await.unwrap().unwrap();
        assert_eq!(
            (old.promised_limit, old.fee.is_some()),
            (20, true),
            "{}",
            t.label
        );
        let detail = items::detail(db, &g.code).await.unwrap().unwrap();
        assert_eq!(
            (
                detail.version,
                detail.updated_at,
                detail.guide.promised_limit
            ),
            (2, later, 15)
        );
        let history = items::history(db, &g.code).await.unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(history[0].changed, vec!["承诺办结时限", "收费"]);
        assert_eq!(
            (history[0].changed_by.as_str(), history[0].note.as_str()),
            ("admin1", "按新规缩短时限")
        );
        // The engine's limits follow the guide; its steps shrink to fit the shorter promise.
        let process = processes::find(db, &g.code).await.unwrap().unwrap();
        assert_eq!(
            (process.legal_limit, process.promised_limit),
            (60, 15),
            "{}",
            t.label
        );
        let steps: u32 = process.steps.iter().map(|s| s.limit).sum();
        assert!(
            steps <= 15 && process.steps.iter().all(|s| s.limit >= 1),
            "{:?}",
            process.steps
        );
        // A save from the stale version 1 is refused and changes nothing.
        let mut stale = g.clone();
        stale.name = "另一个名称".into();
        let err = items::save(db, stale, Some(1), "", &admin(), later)
            .await
            .unwrap_err();
        assert!(
            matches!(err, ServiceError::Conflict(ref m) if m.contains("第 2 版")),
            "{err:?}"
        );
        // Saving unchanged makes no version.
        let same = items::detail(db, &g.code).await.unwrap().unwrap().guide;
        let unchanged = items::save(db, same, Some(2), "", &admin(), later)
            .await
            .unwrap();
        assert_eq!((unchanged.version, unchanged.changed.len()), (2, 0));
        let versions = service_item_version::Entity::find()
            .filter(service_item_version::Column::ItemCode.eq(g.code.as_str()))
            .count(db)
            .await
            .unwrap();
        assert_eq!(versions, 2, "{}", t.label);
        // A second item with the same code is refused; every save is audited.
        let dup = items::save(db, g.clone(), None, "", &admin(), later)
            .await
            .unwrap_err();
        assert!(matches!(dup, ServiceError::Conflict(_)));
        let entries = audit_log::Entity::find()
            .filter(audit_log::Column::Action.starts_with("catalogue.item."))
            .count(db)
            .await
            .unwrap();
        assert_eq!(entries, 2, "{}", t.label);
        assert!(matches!(
            audit::verify(db).await.unwrap(),
            audit::ChainCheck::Intact { .. }
        ));
        t.finish().await;
    }
}

#[tokio::test]
async fn a_guide_breaking_a_rule_is_refused_with_the_reason() {
    for t in TestDb::both().await {
        departments(&t.db).await;
        let mut g = sample_guide();
        g.promised_limit = 90;
        let err = items::save(&t.db, g, None, "", &admin(), t0())
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Invalid(ref m) if m.contains("不能超过法定办结时限")));
        let mut g = sample_guide();
        g.department = "nowhere".into();
        let err = items::save(&t.db, g, None, "", &admin(), t0())
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Invalid(ref m) if m.contains("nowhere")));
        let mut g = sample_guide();
        g.materials[0].blank_form = Some("990100-QR-0001-blank-x".into());
        let err = items::save(&t.db, g, None, "", &admin(), t0())
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Invalid(ref m) if m.contains("表格")));
        assert!(
            find(&t.db, "").await.is_empty(),
            "{}: nothing saved",
            t.label
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn a_retired_item_leaves_the_catalogue_but_keeps_its_history() {
    for t in TestDb::both().await {
        catalogue(&t.db).await;
        let db = &t.db;
        let err = items::set_retired(db, "990100-XK-0003", true, " ", &admin(), t0())
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Invalid(_)));
        items::set_retired(db, "990100-XK-0003", true, "职能划转", &admin(), t0())
            .await
            .unwrap();
        assert!(find(db, "食品").await.is_empty(), "{}", t.label);
        let detail = items::detail(db, "990100-xk-0003").await.unwrap().unwrap();
        assert!(detail.retired);
        items::set_retired(db, "990100-XK-0003", false, "", &admin(), t0())
            .await
            .unwrap();
        assert_eq!(find(db, "食品").await.len(), 1);
        assert!(items::detail(db, "990100-XK-9999").await.unwrap().is_none());
        assert!(items::detail(db, "../../etc").await.unwrap().is_none());
        t.finish().await;
    }
}

fn pdf_bytes() -> Vec<u8> {
    b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec()
}

#[tokio::test]
async fn forms_are_checked_linked_listed_and_counted() {
    for t in TestDb::both().await {
        catalogue(&t.db).await;
        let (store, dir) = files();
        let db = &t.db;
        let new = |kind, material: Option<&str>, bytes: Vec<u8>| NewForm {
            item_code: "990100-QR-0001".into(),
            material_code: material.map(str::to_string),
            kind,
            title: "居民身份证申领登记表".into(),
            bytes,
        };
        // Wrong content, too big, unknown material: refused, nothing stored.
        let err = forms::add(
            db,
            &store,
            new(FormKind::Blank, Some("m1"), b"<html>".to_vec()),
            &admin(),
            t0(),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, ServiceError::Invalid(ref m) if m.contains("PDF")));
        let mut huge = pdf_bytes();
        huge.resize(forms::MAX_FORM_BYTES + 1, b' ');
        let err = forms::add(
            db,
            &store,
            new(FormKind::Blank, Some("m1"), huge),
            &admin(),
            t0(),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, ServiceError::Invalid(ref m) if m.contains("10 MB")));
        let err = forms::add(
            db,
            &store,
            new(FormKind::Blank, Some("m9"), pdf_bytes()),
            &admin(),
            t0(),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, ServiceError::Invalid(ref m) if m.contains("m9")));
        // A good one is linked to its material in a new version of the guide.
        let form = forms::add(
            db,
            &store,
            new(FormKind::Blank, Some("m1"), pdf_bytes()),
            &admin(),
            t0(),
        )
        .await
        .unwrap();
        assert_eq!(
            (form.content_type.as_str(), form.filename.as_str()),
            ("application/pdf", "居民身份证申领登记表.pdf")
        );
        let detail = items::detail(db, "990100-QR-0001").await.unwrap().unwrap();
        assert_eq!(detail.version, 2, "{}", t.label);
        assert_eq!(
            detail.guide.materials[0].blank_form.as_deref(),
            Some(form.code.as_str())
        );
        assert_eq!(
            detail.form(Some(&form.code)).map(|f| f.title.as_str()),
            Some("居民身份证申领登记表")
        );
        // Listed by item; downloads counted.
        let listing = forms::listing(db, None, None).await.unwrap();
        assert_eq!(listing.len(), 1);
        assert_eq!(listing[0].department_name, "示范市公安局");
        assert_eq!(
            forms::listing(db, Some("scjg"), None).await.unwrap().len(),
            0
        );
        assert_eq!(
            forms::listing(db, None, Some("申领")).await.unwrap().len(),
            1
        );
        assert_eq!(
            forms::listing(db, None, Some("sfz")).await.unwrap().len(),
            1
        );
        assert_eq!(forms::listing(db, None, Some("%")).await.unwrap().len(), 0);
        for _ in 0..3 {
            let (file, bytes) = forms::download(db, &store, &form.code)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(bytes, pdf_bytes());
            assert!(file.downloads >= 1);
        }
        let listing = forms::listing(db, None, None).await.unwrap();
        assert_eq!(listing[0].forms[0].downloads, 3, "{}", t.label);
        // Retired: gone from downloads and the guide, kept in the database.
        forms::retire(db, &form.code, &admin(), t0()).await.unwrap();
        assert!(forms::download(db, &store, &form.code)
            .await
            .unwrap()
            .is_none());
        let detail = items::detail(db, "990100-QR-0001").await.unwrap().unwrap();
        assert!(detail.form(Some(&form.code)).is_none());
        std::fs::remove_dir_all(dir).ok();
        t.finish().await;
    }
}

#[tokio::test]
async fn the_catalogue_exports_and_imports_whole_and_a_bad_file_changes_nothing() {
    for t in TestDb::both().await {
        catalogue(&t.db).await;
        let (store, dir) = files();
        forms::add(
            &t.db,
            &store,
            NewForm {
                item_code: "990100-QR-0001".into(),
                material_code: Some("m1".into()),
                kind: FormKind::Blank,
                title: "登记表".into(),
                bytes: pdf_bytes(),
            },
            &admin(),
            t0(),
        )
        .await
        .unwrap();
        let exported = transfer::export(&t.db, &store, &admin(), t0())
            .await
            .unwrap();
        assert_eq!(
            (
                exported.items.len(),
                exported.forms.len(),
                exported.departments.len()
            ),
            (3, 1, 2)
        );
        let json = serde_json::to_vec(&exported).unwrap();

        // Into an empty database: everything arrives, links intact.
        let other = TestDb::sqlite().await;
        let (store2, dir2) = files();
        let report = transfer::import(
            &other.db,
            &store2,
            transfer::parse(&json).unwrap(),
            &admin(),
            t0(),
        )
        .await
        .unwrap();
        assert_eq!(
            (
                report.items_created,
                report.forms_added,
                report.departments_added
            ),
            (3, 1, 2)
        );
        let detail = items::detail(&other.db, "990100-QR-0001")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(detail.version, 1, "imported whole, as one version");
        assert!(detail
            .form(detail.guide.materials[0].blank_form.as_deref())
            .is_some());
        // Again: nothing changes.
        let again = transfer::import(
            &other.db,
            &store2,
            transfer::parse(&json).unwrap(),
            &admin(),
            t0(),
        )
        .await
        .unwrap();
        assert_eq!(
            (
                again.items_unchanged,
                again.items_created,
                again.forms_added
            ),
            (3, 0, 0)
        );

        // One bad item: the whole import is refused, naming it, and nothing is changed.
        let mut bad = transfer::parse(&json).unwrap();
        bad.items[0].guide.name = "新名称".into();
        bad.items[2].guide.conditions = String::new();
        let err = transfer::import(&other.db, &store2, bad, &admin(), t0())
            .await
            .unwrap_err();
        assert!(
            matches!(err, ServiceError::Invalid(ref m) if m.contains("第 3 个事项") && m.contains("受理条件")),
            "{err:?}"
        );
        let unchanged = items::detail(&other.db, &exported.items[0].guide.code)
            .await
            .unwrap()
            .unwrap();
        assert_ne!(unchanged.guide.name, "新名称");
        // Not JSON, the wrong format, a forged digest.
        assert!(
            matches!(transfer::parse(b"{not json"), Err(ServiceError::Invalid(m)) if m.contains("行"))
        );
        let mut wrong = exported.clone();
        wrong.format = "other/2".into();
        assert!(transfer::parse(&serde_json::to_vec(&wrong).unwrap()).is_err());
        let mut forged = transfer::parse(&json).unwrap();
        forged.forms[0].sha256 = "0".repeat(64);
        let err = transfer::import(&other.db, &store2, forged, &admin(), t0())
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Invalid(ref m) if m.contains("摘要")));
        other.finish().await;
        std::fs::remove_dir_all(dir).ok();
        std::fs::remove_dir_all(dir2).ok();
        t.finish().await;
    }
}

#[tokio::test]
async fn the_demo_catalogue_has_sixty_items_in_twelve_departments_with_forms() {
    for t in TestDb::both().await {
        crate::backend::demo::seed(
            &t.db,
            crate::backend::state::Environment::Development,
            "Yizhan@2026",
            t0(),
        )
        .await
        .unwrap();
        let (store, dir) = files();
        let report = crate::backend::demo_catalogue::seed(&t.db, &store, t0())
            .await
            .unwrap();
        assert!(report.items_created >= 60, "{}: {report:?}", t.label);
        let all = search(&t.db, &SearchQuery::parse(&SearchInput::default()), false)
            .await
            .unwrap();
        let departments = all.departments.iter().filter(|d| d.item_count > 0).count();
        assert!(departments >= 12, "{}: {departments} departments", t.label);
        assert!(report.forms_added >= 60, "{}: {report:?}", t.label);
        // The home page's popular searches each find something.
        for q in [
            "身份证",
            "营业执照",
            "社保卡",
            "公积金提取",
            "不动产登记",
            "出生医学证明",
            "sfz",
        ] {
            assert!(!find(&t.db, q).await.is_empty(), "{}: {q}", t.label);
        }
        assert_eq!(find(&t.db, "sfz").await[0], "居民身份证换领");
        // A generated blank form is a PDF whose text extracts.
        let blank = forms::listing(&t.db, Some("gaj"), Some("身份证"))
            .await
            .unwrap();
        let code = blank[0].forms[0].code.clone();
        let (_, bytes) = forms::download(&t.db, &store, &code)
            .await
            .unwrap()
            .unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        // Seeding twice changes nothing.
        let again = crate::backend::demo_catalogue::seed(&t.db, &store, t0())
            .await
            .unwrap();
        assert_eq!(
            (again.items_created, again.items_updated, again.forms_added),
            (0, 0, 0),
            "{}",
            t.label
        );
        std::fs::remove_dir_all(dir).ok();
        t.finish().await;
    }
}

/// Text of a PDF as `pdftotext -layout` reads it (installed by `make test`).
pub fn pdf_text(bytes: &[u8]) -> String {
    let path =
        std::env::temp_dir().join(format!("yizhan-{}-{}.pdf", std::process::id(), bytes.len()));
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed by `make test`");
    let info = std::process::Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo");
    std::fs::remove_file(&path).ok();
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    assert_eq!(pages, "1", "one page");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn the_guide_pdf_is_one_page_of_extractable_chinese_text() {
    let t = TestDb::sqlite().await;
    crate::backend::demo::seed(
        &t.db,
        crate::backend::state::Environment::Development,
        "Yizhan@2026",
        t0(),
    )
    .await
    .unwrap();
    let (store, dir) = files();
    crate::backend::demo_catalogue::seed(&t.db, &store, t0())
        .await
        .unwrap();
    let site = crate::domain::site::SiteInfo::default();
    // The longest guide of the demo catalogue must still fit one page.
    let all = search(
        &t.db,
        &SearchQuery::parse(&SearchInput {
            per_page: Some(100),
            ..Default::default()
        }),
        false,
    )
    .await
    .unwrap();
    let mut longest = (0, String::new());
    for item in &all.items {
        let d = items::detail(&t.db, &item.code).await.unwrap().unwrap();
        let len = serde_json::to_string(&d.guide).unwrap().len();
        if len > longest.0 {
            longest = (len, item.code.clone());
        }
    }
    for code in ["990100-QR-0001", longest.1.as_str()] {
        let detail = items::detail(&t.db, code).await.unwrap().unwrap();
        let bytes = crate::backend::pdf::guide::render(&detail, &site).unwrap();
        assert!(bytes.len() < 150 * 1024, "{code}: {} bytes", bytes.len());
        let text = pdf_text(&bytes);
        for expected in [
            detail.guide.name.as_str(),
            "申请材料",
            "受理条件",
            "办理流程",
            "设定依据",
            code,
        ] {
            assert!(
                text.contains(expected),
                "{code}: PDF text lacks {expected}:\n{text}"
            );
        }
        assert!(text.contains(&detail.guide.materials[0].name), "{code}");
    }
    std::fs::remove_dir_all(dir).ok();
    t.finish().await;
}
