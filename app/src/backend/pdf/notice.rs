//! 文书 (written notices): 受理通知书, 补正材料告知书, 不予受理通知书, 延期告知书, 特别程序告知书 and
//! 行政许可决定书, one A4 page each, in the usual layout: title, document number, addressee, body,
//! a numbered list where the notice lists things, the department and date under its seal.

use super::{Page, A4_WIDTH, BLACK, GREY};
use crate::backend::error::ServiceResult;

pub struct Notice {
    pub title: String,
    /// 文号, for example 示市监受字〔2026〕第 99010020260921000001 号.
    pub number: String,
    /// 申请人 the notice is addressed to.
    pub addressee: String,
    /// Paragraphs of the body.
    pub paragraphs: Vec<String>,
    /// A numbered list after the first paragraph (the materials a 补正 notice asks for).
    pub list: Vec<String>,
    /// Paragraphs after the list.
    pub closing: Vec<String>,
    pub department: String,
    /// 2026年9月28日
    pub date: String,
    /// The grey line at the foot: the number and where the notice can be found again.
    pub foot: String,
}

const LEFT: f32 = 25.0;
const WIDTH: f32 = A4_WIDTH - 2.0 * LEFT;
const SIZE: f32 = 12.0;
const LEADING: f32 = 7.2;
/// The last baseline of body text on a page; below it the text runs onto the next page.
const BOTTOM: f32 = 262.0;

pub fn render(n: &Notice) -> ServiceResult<Vec<u8>> {
    let mut page = Page::new(&n.title)?;
    let mut y = 32.0;
    page.text_centred(A4_WIDTH / 2.0, y, 20.0, BLACK, &n.title);
    y += 9.0;
    page.text_centred(A4_WIDTH / 2.0, y, 10.5, GREY, &n.number);
    y += 14.0;
    page.text(LEFT, y, SIZE, BLACK, &format!("{}：", n.addressee));
    y += LEADING + 2.0;
    let paragraph = |page: &mut Page, y: &mut f32, text: &str, indent: bool| {
        let text = if indent {
            format!("\u{3000}\u{3000}{text}")
        } else {
            text.to_string()
        };
        for line in page.wrap(&text, SIZE, WIDTH) {
            if *y > BOTTOM {
                page.next_page();
                *y = 25.0;
            }
            page.text(LEFT, *y, SIZE, BLACK, &line);
            *y += LEADING;
        }
        *y += 1.5;
    };
    for p in &n.paragraphs {
        paragraph(&mut page, &mut y, p, true);
    }
    for (i, item) in n.list.iter().enumerate() {
        paragraph(&mut page, &mut y, &format!("{}. {item}", i + 1), true);
    }
    for p in &n.closing {
        paragraph(&mut page, &mut y, p, true);
    }
    // Department and date on the right, the seal over them.
    if y > BOTTOM - 20.0 {
        page.next_page();
        y = 25.0;
    }
    y = y.max(190.0) + 12.0;
    let right = LEFT + WIDTH;
    let dept_w = page.width(&n.department, SIZE);
    let date_w = page.width(&n.date, SIZE);
    page.seal(
        right - dept_w.max(date_w) / 2.0 - 2.0,
        y - 2.0,
        19.0,
        &n.department,
        "业务专用章",
    );
    page.text(right - dept_w, y, SIZE, BLACK, &n.department);
    page.text(right - date_w, y + LEADING, SIZE, BLACK, &n.date);
    page.text(LEFT, 282.0, 9.0, GREY, &n.foot);
    Ok(page.finish())
}
