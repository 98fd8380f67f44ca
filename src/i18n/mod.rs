//! The translation stage: segments with stable ids and source fingerprints ([`segments`]),
//! per-locale status ([`status`]), gettext PO exchange ([`po`]) with edits planned against the
//! content ([`edit`]), and pages in a bilingual side-by-side format brought in as PO
//! ([`bilingual`]). The lock file's data is [`crate::model::lock`]; the commands that load a
//! project and write edits back are [`crate::pipeline::translate`].
//!
//! Everything here reads the loaded [`Site`](crate::model::Site) and writes nothing.

pub mod bilingual;
pub mod edit;
pub mod po;
pub mod segments;
pub mod status;
