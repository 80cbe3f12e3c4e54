//! 网站信息 (site information): the names and numbers a government portal must show, configured
//! per deployment (DESIGN.md §5) and shown in every page's header and footer.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// 地区名称, for example 示范市.
    pub region_name: String,
    /// 门户名称, for example 示范市一站式网上办事大厅.
    pub portal_name: String,
    /// 主办单位.
    pub host_unit: String,
    /// 政务服务热线 (usually 12345).
    pub hotline: String,
    /// 监督投诉电话.
    pub complaint_phone: String,
    /// 办公地址.
    pub address: String,
    /// ICP备案号.
    pub icp_record: String,
    /// 公安机关备案号.
    pub police_record: String,
    /// 政府网站标识码.
    pub site_code: String,
    /// Seconds without a touch before a kiosk counts down and starts over for the next person.
    pub kiosk_idle_seconds: u32,
    /// Where a kiosk's browser reads a second-generation ID card (a local reader service), or
    /// `None` when the kiosks have no reader. See `domain::id_card` for the reader's answer.
    pub card_reader_url: Option<String>,
}

/// The kiosk's idle time unless configured (the 90 seconds), and the range allowed.
pub const KIOSK_IDLE_DEFAULT: u32 = 90;
pub const KIOSK_IDLE_RANGE: std::ops::RangeInclusive<u32> = 20..=900;

/// `YIZHAN_CARD_READER_URL=simulated` serves this demo reader from the portal itself.
pub const SIMULATED_READER_PATH: &str = "/kiosk/card-reader/simulated";

impl Default for SiteInfo {
    fn default() -> Self {
        SiteInfo {
            region_name: "示范市".into(),
            portal_name: "示范市一站式网上办事大厅".into(),
            host_unit: "示范市人民政府办公室".into(),
            hotline: "12345".into(),
            complaint_phone: "0000-12345".into(),
            address: "示范市人民大道1号 市民服务中心".into(),
            icp_record: "示ICP备00000000号".into(),
            police_record: "示公网安备 00000000000000号".into(),
            site_code: "0000000000".into(),
            kiosk_idle_seconds: KIOSK_IDLE_DEFAULT,
            card_reader_url: None,
        }
    }
}
