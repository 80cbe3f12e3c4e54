//! 事项搜索 (catalogue search): a visitor's raw search input parsed once into terms and filters,
//! and the ranking of a matching item. Matching itself is a substring test against the item's
//! search text (Chinese, full pinyin and pinyin initials), so one- and two-character queries work.

use super::catalogue::{Audience, Topic};
use serde::{Deserialize, Serialize};

/// Longest search text taken, in characters; the rest is dropped and the visitor told.
pub const QUERY_MAX_CHARS: usize = 50;
/// At most this many words are matched (each must match).
pub const TERMS_MAX: usize = 5;
pub const PER_PAGE_DEFAULT: u32 = 20;
pub const PER_PAGE_MAX: u32 = 100;

/// What a visitor asked for, as typed (from the address or the REST query string).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchInput {
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub topic: Option<String>,
    #[serde(default)]
    pub audience: Option<String>,
    #[serde(default)]
    pub page: Option<u32>,
    #[serde(default)]
    pub per_page: Option<u32>,
}

/// A parsed search: lower-case terms, known filters only, a page in range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// The text as it will be shown back (trimmed and cut to the maximum).
    pub text: String,
    pub terms: Vec<String>,
    pub department: Option<String>,
    pub topic: Option<Topic>,
    pub audience: Option<Audience>,
    pub page: u32,
    pub per_page: u32,
    /// Said to the visitor when their input had to be shortened.
    pub notice: Option<String>,
}

impl SearchQuery {
    pub fn parse(input: &SearchInput) -> SearchQuery {
        let raw = input.q.as_deref().unwrap_or("");
        // Control characters never belong in a search and would upset the page or the log.
        let cleaned: String = raw
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let trimmed = cleaned.trim();
        let mut notice = None;
        let text: String = if trimmed.chars().count() > QUERY_MAX_CHARS {
            notice = Some(format!("搜索内容过长，已按前 {QUERY_MAX_CHARS} 个字搜索"));
            trimmed.chars().take(QUERY_MAX_CHARS).collect()
        } else {
            trimmed.to_string()
        };
        let mut terms: Vec<String> = Vec::new();
        for word in text.split_whitespace() {
            let word = word.to_lowercase();
            if !terms.contains(&word) {
                terms.push(word);
            }
        }
        if terms.len() > TERMS_MAX {
            terms.truncate(TERMS_MAX);
            notice.get_or_insert_with(|| format!("只按前 {TERMS_MAX} 个词搜索"));
        }
        let department = input
            .department
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty() && d.len() <= 64)
            .map(str::to_string);
        SearchQuery {
            text: text.trim().to_string(),
            terms,
            department,
            topic: input.topic.as_deref().and_then(Topic::from_code),
            audience: input.audience.as_deref().and_then(Audience::from_code),
            page: input.page.unwrap_or(1).clamp(1, 10_000),
            per_page: input
                .per_page
                .unwrap_or(PER_PAGE_DEFAULT)
                .clamp(1, PER_PAGE_MAX),
            notice,
        }
    }

    /// Rows to skip for the requested page.
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }
}

/// Escapes `%`, `_` and the escape character itself so a term is matched literally by `LIKE …
/// ESCAPE '\'`.
pub fn like_pattern(term: &str) -> String {
    let mut out = String::with_capacity(term.len() + 2);
    out.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// How an item is spelled, for ranking.
pub struct Spelling<'a> {
    pub name: &'a str,
    pub keywords: &'a [String],
    /// Full pinyin of the name, lower-case, no spaces.
    pub name_pinyin: &'a str,
    /// Pinyin initials of the name.
    pub name_initials: &'a str,
}

/// Rank of an item that matched every term: the name weighs most, then keywords, then pinyin,
/// then anything else (the department's name). Higher is better.
pub fn score(terms: &[String], item: &Spelling<'_>) -> u32 {
    let name = item.name.to_lowercase();
    terms
        .iter()
        .map(|term| {
            let t = term.as_str();
            if name == t {
                100
            } else if name.starts_with(t) {
                80
            } else if name.contains(t) {
                60
            } else if item.keywords.iter().any(|k| k.to_lowercase() == t) {
                55
            } else if item.keywords.iter().any(|k| k.to_lowercase().contains(t)) {
                50
            } else if item.name_initials.starts_with(t) {
                45
            } else if item.name_initials.contains(t) {
                40
            } else if item.name_pinyin.contains(t) {
                35
            } else {
                10
            }
        })
        .sum::<u32>()
        // Shorter names first among equals: 居民身份证换领 before 居民身份证换领（异地）.
        * 1000
        + 999u32.saturating_sub(item.name.chars().count() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> SearchQuery {
        SearchQuery::parse(&SearchInput {
            q: Some(text.into()),
            ..Default::default()
        })
    }

    #[test]
    fn a_search_is_split_into_lower_case_terms() {
        assert_eq!(q("  SFZ  换领 sfz ").terms, vec!["sfz", "换领"]);
        assert!(q("").terms.is_empty());
    }

    #[test]
    fn an_overlong_search_is_cut_and_the_visitor_told() {
        let long = "证".repeat(10_000);
        let parsed = q(&long);
        assert_eq!(parsed.text.chars().count(), QUERY_MAX_CHARS);
        assert!(parsed.notice.unwrap().contains("50"));
        let many = q("a b c d e f g");
        assert_eq!(many.terms.len(), TERMS_MAX);
        assert!(many.notice.is_some());
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(q("身份\u{0}证\n").terms, vec!["身份", "证"]);
    }

    #[test]
    fn unknown_filters_are_ignored_and_pages_kept_in_range() {
        let parsed = SearchQuery::parse(&SearchInput {
            topic: Some("<script>".into()),
            audience: Some("company".into()),
            page: Some(0),
            per_page: Some(10_000),
            ..Default::default()
        });
        assert_eq!(parsed.topic, None);
        assert_eq!(parsed.audience, Some(Audience::Company));
        assert_eq!((parsed.page, parsed.per_page), (1, PER_PAGE_MAX));
        assert_eq!(parsed.offset(), 0);
    }

    #[test]
    fn like_wildcards_in_a_term_are_matched_literally() {
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
        assert_eq!(like_pattern("' OR 1=1 --"), "%' OR 1=1 --%");
    }

    #[test]
    fn a_name_match_outranks_a_pinyin_match() {
        let kw = vec!["身份证".to_string()];
        let renewal = Spelling {
            name: "居民身份证换领",
            keywords: &kw,
            name_pinyin: "juminshenfenzhenghuanling",
            name_initials: "jmsfzhl",
        };
        let other = Spelling {
            name: "户口迁移",
            keywords: &[],
            name_pinyin: "hukouqianyi",
            name_initials: "hkqy",
        };
        let terms = vec!["身份证".to_string()];
        assert!(score(&terms, &renewal) > score(&terms, &other));
        let initials = vec!["hk".to_string()];
        assert!(score(&initials, &other) > score(&initials, &renewal));
    }
}
