//! The catalogue editor's post of one item, as the browser sends it (serde_qs names, sparse
//! topic indexes): for the tests that save an item over HTTP.

/// The fields of `990100-QR-0001`-like item `code`, saved over `version` with a new name and a
/// change note.
pub fn item_form<'a>(
    version: &'a str,
    code: &'a str,
    name: &'a str,
    note: &'a str,
) -> Vec<(&'static str, &'a str)> {
    vec![
        ("form[expected_version]", version),
        ("form[code]", code),
        ("form[name]", name),
        ("form[keywords]", "身份证、换证"),
        ("form[item_type]", "confirmation"),
        ("form[department]", "gaj"),
        ("form[audience]", "person"),
        ("form[scope]", "nationwide"),
        ("form[topics][7]", "identity"),
        ("form[handling]", "promised"),
        ("form[legal_limit]", "60"),
        ("form[promised_limit]", "15"),
        ("form[visits]", "1"),
        ("form[online]", "true"),
        ("form[fee_standard]", ""),
        ("form[fee_basis]", ""),
        ("form[legal_basis]", "《中华人民共和国居民身份证法》"),
        ("form[conditions]", "有效期满"),
        ("form[materials][0][code]", "m1"),
        ("form[materials][0][name]", "原居民身份证"),
        ("form[materials][0][source]", "applicant"),
        ("form[materials][0][originals]", "1"),
        ("form[materials][0][copies]", "0"),
        ("form[materials][0][medium]", "paper"),
        ("form[materials][0][required]", "true"),
        ("form[materials][1][name]", ""),
        ("form[procedure][0][name]", "申请"),
        ("form[procedure][0][description]", "到窗口申请"),
        ("form[location]", "示范市市民服务中心"),
        ("form[hours]", "工作日"),
        ("form[consult_phone]", "0000-1"),
        ("form[complaint_phone]", "12345"),
        ("form[result_name]", "居民身份证"),
        ("form[note]", note),
    ]
}
