//! 办事指南: the catalogue to browse and search (`/guide`) and one item's whole guide
//! (`/guide/{item_code}`). Plain links and GET forms: both read and work without JavaScript.

mod detail;
pub mod labels;
mod list;

pub use detail::{GuideDetailPage, KeyFacts};
pub use list::GuideListPage;
