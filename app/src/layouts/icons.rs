//! Line icons drawn inline (no icon font to download): one per channel plus the portal mark.

use crate::domain::channel::Channel;
use leptos::prelude::*;

/// The portal's mark: a service hall under one roof, in the portal blue with a red door.
#[component]
pub fn PortalMark(#[prop(default = 44)] size: u32) -> impl IntoView {
    view! {
        <svg class="portal-mark" width=size height=size viewBox="0 0 48 48" aria-hidden="true">
            <rect x="1" y="1" width="46" height="46" rx="11" fill="#0b4ea2"/>
            <path d="M8 20 24 9l16 11" fill="none" stroke="#fff" stroke-width="3.2" stroke-linecap="round" stroke-linejoin="round"/>
            <path d="M13 21v15M35 21v15M9 38h30" fill="none" stroke="#fff" stroke-width="3.2" stroke-linecap="round"/>
            <path d="M20 38v-9a4 4 0 0 1 8 0v9z" fill="#e23b2e"/>
        </svg>
    }
    .into_any()
}

/// The drawing of one channel, 24×24, stroked in the current colour.
fn channel_paths(channel: Channel) -> &'static str {
    match channel {
        // An open book.
        Channel::Guide => "M3 5.5C5.5 4 8.5 4 12 6c3.5-2 6.5-2 9-.5V19c-2.5-1.5-5.5-1.5-9 .5-3.5-2-6.5-2-9-.5zM12 6v13.5",
        // A sheet with a downward arrow.
        Channel::Forms => "M6 3h8l4 4v14H6zM14 3v4h4M12 10v7M9 14l3 3 3-3",
        // Two speech bubbles.
        Channel::Consult => "M4 5h11v8H9l-3 3v-3H4zM15 9h5v8h-2v3l-3-3h-4v-2",
        // A pen over a form.
        Channel::Apply => "M5 3h10v5M5 3v18h8M8 8h4M8 12h3M20.5 11.5l-7 7L11 19l.5-2.5 7-7z",
        // A magnifier over a document.
        Channel::Status => "M6 3h9l3 3v5M6 3v18h6M9 8h6M9 12h3M16.5 19.5a3 3 0 1 0 0-.01zM18.7 19.2l2.3 2.3",
        // An envelope with a seal.
        Channel::Petition => "M3 6h18v12H3zM3 6l9 7 9-7M15.5 15.5h3",
        // A mailbox.
        Channel::Mailbox => "M4 10a4 4 0 0 1 8 0v9H4zM12 19h8v-9a4 4 0 0 0-4-4H8M15 10h3M8 19v3",
    }
}

#[component]
pub fn ChannelIcon(channel: Channel, #[prop(default = 28)] size: u32) -> impl IntoView {
    view! {
        <svg class="icon" width=size height=size viewBox="0 0 24 24" aria-hidden="true">
            <path d=channel_paths(channel) fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/>
        </svg>
    }
    .into_any()
}
