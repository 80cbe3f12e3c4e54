//! 电子证照 (the result certificate): the holder, what is permitted, the issuing department under
//! its seal, the certificate code, and a QR code to `/verify/{code}` where anyone checks the
//! signature.

use super::{Page, A4_WIDTH, BLACK, BLUE, GREY, RED};
use crate::backend::error::ServiceResult;
use crate::domain::casework::CertificateContent;

pub struct CertificateDoc {
    pub content: CertificateContent,
    pub verify_url: String,
    pub key_id: String,
}

const LEFT: f32 = 28.0;
const WIDTH: f32 = A4_WIDTH - 2.0 * LEFT;

pub fn render(doc: &CertificateDoc) -> ServiceResult<Vec<u8>> {
    let c = &doc.content;
    let mut page = Page::new(&c.title)?;
    // A double frame, as printed certificates have.
    page.rect(12.0, 12.0, A4_WIDTH - 24.0, 273.0, None, Some(RED));
    page.rect(15.0, 15.0, A4_WIDTH - 30.0, 267.0, None, Some(RED));
    let mut y = 48.0;
    page.text_centred(A4_WIDTH / 2.0, y, 26.0, RED, &c.title);
    y += 10.0;
    page.text_centred(
        A4_WIDTH / 2.0,
        y,
        10.5,
        GREY,
        &format!("证照编号 {}", c.code),
    );
    y += 20.0;
    let rows = [
        ("持证人", c.holder.as_str()),
        ("证件号码", c.holder_id.as_str()),
        ("许可事项", c.item_name.as_str()),
        ("办件编号", c.case_no.as_str()),
        ("发证机关", c.department.as_str()),
    ];
    for (label, value) in rows {
        page.text(LEFT, y, 12.0, GREY, label);
        for (i, line) in page.wrap(value, 13.0, WIDTH - 32.0).iter().enumerate() {
            page.text(LEFT + 32.0, y + i as f32 * 7.0, 13.0, BLACK, line);
            y += if i > 0 { 7.0 } else { 0.0 };
        }
        y += 11.0;
    }
    let issued = c.issued_on.format("%Y年%-m月%-d日").to_string();
    page.text(LEFT, y, 12.0, GREY, "发证日期");
    page.text(LEFT + 32.0, y, 13.0, BLACK, &issued);
    y += 16.0;
    let statement = "经审查，持证人的申请符合法定条件、标准，准予行政许可，特发此证。";
    for line in page.wrap(statement, 12.0, WIDTH) {
        page.text(LEFT, y, 12.0, BLACK, &line);
        y += 7.0;
    }
    // Seal over the department and date, lower right; QR code lower left.
    let seal_y = 222.0;
    page.seal(
        A4_WIDTH - LEFT - 28.0,
        seal_y,
        22.0,
        &c.department,
        "行政许可专用章",
    );
    page.text_centred(A4_WIDTH - LEFT - 28.0, seal_y + 30.0, 12.0, BLACK, &issued);
    page.qr(LEFT, seal_y - 24.0, 40.0, &doc.verify_url)?;
    page.text(LEFT, seal_y + 22.0, 9.0, BLUE, "扫码核验证照真伪");
    for (i, line) in page.wrap(&doc.verify_url, 8.0, 90.0).iter().enumerate() {
        page.text(LEFT, seal_y + 27.0 + i as f32 * 4.0, 8.0, GREY, line);
    }
    page.text(
        LEFT,
        272.0,
        8.0,
        GREY,
        &format!(
            "本证照内容经 Ed25519 电子签名（密钥 {}），涂改无效。",
            doc.key_id
        ),
    );
    Ok(page.finish())
}
