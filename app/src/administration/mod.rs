//! The agency's administration (its administrators only; "not found" for everyone else):
//! "Importer le fichier FINESS", which loads the region's legal entities and establishments from
//! the national FINESS extract, previewed before anything is written; the indicator referentials
//! (`crate::referentials`); the journal of every change.

pub mod api;
mod finess_page;
pub mod journal;
mod journal_page;
mod menu;
mod upload_progress;

#[cfg(feature = "ssr")]
pub mod finess_file;
#[cfg(feature = "ssr")]
pub mod finess_import;
#[cfg(feature = "ssr")]
pub mod spreadsheet;
#[cfg(feature = "ssr")]
pub mod staging;
#[cfg(feature = "ssr")]
pub mod web;

pub use finess_page::FinessImportPage;
pub use journal_page::JournalPage;
pub use menu::AdministrationMenu;
pub use upload_progress::UploadWithProgress;

use serde::{Deserialize, Serialize};

/// Whether the viewer of the page administers an agency (the page is "not found" otherwise);
/// rendered on the server, where the session is at hand.
pub fn viewer_administers_an_agency() -> bool {
    #[cfg(feature = "ssr")]
    {
        crate::accounts::access::viewer().is_ok_and(|viewer| viewer.administers().is_some())
    }
    #[cfg(not(feature = "ssr"))]
    {
        true
    }
}

/// Query parameters of every import page (FINESS, referentials, national values): the staged
/// import to preview, the result of one just made, a refusal of the files sent (a code, never text
/// from the address).
pub const PREVIEW_PARAM: &str = "apercu";
pub const IMPORTED_PARAM: &str = "importe";
pub const REFUSAL_PARAM: &str = "refus";

/// Why files sent to the import were refused, shown by the page from the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadRefusal {
    NoFile,
    NoDepartement,
    UnknownDepartement,
    OutsideAgency,
    TooBig,
    Unreadable,
}

impl UploadRefusal {
    pub const ALL: [UploadRefusal; 6] = [
        UploadRefusal::NoFile,
        UploadRefusal::NoDepartement,
        UploadRefusal::UnknownDepartement,
        UploadRefusal::OutsideAgency,
        UploadRefusal::TooBig,
        UploadRefusal::Unreadable,
    ];

    pub fn code(self) -> &'static str {
        match self {
            UploadRefusal::NoFile => "fichier",
            UploadRefusal::NoDepartement => "departements",
            UploadRefusal::UnknownDepartement => "departement-inconnu",
            UploadRefusal::OutsideAgency => "hors-agence",
            UploadRefusal::TooBig => "taille",
            UploadRefusal::Unreadable => "envoi",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        UploadRefusal::ALL.into_iter().find(|refusal| refusal.code() == code)
    }

    pub fn message(self) -> &'static str {
        match self {
            UploadRefusal::NoFile => "Choisissez au moins un fichier FINESS (entités juridiques ou établissements).",
            UploadRefusal::NoDepartement => {
                "Indiquez les départements de la région, séparés par des virgules (exemple : 21, 25, 39)."
            }
            UploadRefusal::UnknownDepartement => {
                "Un des départements indiqués n'existe pas : deux chiffres, 2A ou 2B pour la Corse, 971 à 976 outre-mer."
            }
            UploadRefusal::OutsideAgency => {
                "Un des départements indiqués n'est pas de votre agence : seuls les siens peuvent être importés."
            }
            UploadRefusal::TooBig => "Un fichier dépasse la taille maximale de 300 Mo : rien n'a été importé.",
            UploadRefusal::Unreadable => "L'envoi des fichiers a été interrompu : rien n'a été importé. Réessayez.",
        }
    }
}

/// The two files of the extract, by the form field that sends them; staged under their index so
/// that legal entities are read before the establishments that refer to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinessFile {
    LegalEntities,
    Establishments,
}

impl FinessFile {
    pub fn field(self) -> &'static str {
        match self {
            FinessFile::LegalEntities => "entites",
            FinessFile::Establishments => "etablissements",
        }
    }

    pub fn index(self) -> usize {
        match self {
            FinessFile::LegalEntities => 1,
            FinessFile::Establishments => 2,
        }
    }

    pub fn from_index(index: usize) -> Self {
        if index == 1 {
            FinessFile::LegalEntities
        } else {
            FinessFile::Establishments
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FinessFile::LegalEntities => "Entités juridiques",
            FinessFile::Establishments => "Établissements",
        }
    }
}

/// How many legal entities or establishments the import creates, updates, leaves as they are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub create: usize,
    pub update: usize,
    pub unchanged: usize,
}

/// One field an import changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// A legal entity or establishment the import creates or updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    /// "Entité juridique" or "Établissement".
    pub kind: String,
    pub finess: String,
    pub name: String,
    /// Empty for a creation.
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedLine {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

/// What "Confirmer l'import" would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinessPreview {
    pub token: String,
    pub departements: Vec<String>,
    pub lines_read: u64,
    pub outside_region: u64,
    pub legal_entities: Counts,
    pub establishments: Counts,
    /// The first [`LISTED_ROWS`] creations and updates.
    pub rows: Vec<PreviewRow>,
    pub refused_count: u64,
    /// The first refused lines.
    pub refused: Vec<RefusedLine>,
}

/// At most this many creations and updates are listed in the preview (all are counted).
pub const LISTED_ROWS: usize = 1000;

/// The demo's sample import files (name, what it is), offered for download when the demo is
/// loaded (their content is in `demo::files`).
pub const DEMO_SAMPLES: [(&str, &str); 4] = [
    ("finess-entites-demo.csv", "Extrait FINESS des entités juridiques (Windows-1252)"),
    ("finess-etablissements-demo.csv", "Extrait FINESS des établissements (UTF-8, avec géolocalisations)"),
    ("referentiel-caqes-demo.csv", "Référentiel CAQES de démonstration"),
    ("valeurs-nationales-demo.csv", "Valeurs des indicateurs nationaux de CAQES TEST (CHU de Grenoble Alpes)"),
];

/// Links to the demo's sample files `names` (of [`DEMO_SAMPLES`]), when the demo is loaded.
#[leptos::component]
pub fn DemoSamples(names: &'static [&'static str]) -> impl leptos::IntoView {
    use leptos::prelude::*;
    #[cfg(feature = "ssr")]
    let demo = crate::state::AppState::current().is_ok_and(|state| state.settings.demo);
    #[cfg(not(feature = "ssr"))]
    let demo = false;
    demo.then(|| {
        view! {
            <div class="fr-callout fr-mb-3w">
                <p class="fr-callout__text">"Pour essayer l'import, les fichiers d'exemple de la démonstration :"</p>
                <ul>
                    {DEMO_SAMPLES.iter().filter(|(name, _)| names.contains(name)).map(|(name, label)| view! {
                        <li><a class="fr-link" href=ecars_core::routes::sample_href(name) download>{*label}</a></li>
                    }).collect_view()}
                </ul>
            </div>
        }
    })
}

/// A staged import's preview, read on the server: shown by `details`, or the reason the file gives
/// nothing to import, with a link back to the import page `page` to choose another file.
pub fn staged_preview<T, V>(
    preview: leptos::prelude::Resource<Result<T, crate::AppError>>,
    page: &'static str,
    details: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl leptos::IntoView
where
    T: Clone + Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    V: leptos::IntoView + 'static,
{
    use leptos::prelude::*;
    view! {
        <Suspense fallback=|| view! { <p role="status">"Lecture du fichier…"</p> }>
            {move || {
                let details = details.clone();
                Suspend::new(async move {
                    match preview.await {
                        Ok(preview) => details(preview).into_any(),
                        Err(error) => view! {
                            <crate::layout::ErrorAlert error/>
                            <p><a class="fr-link" href=page>"Choisir un autre fichier"</a></p>
                        }
                        .into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The départements typed, cleaned: `"21, 25 39"` is `["21", "25", "39"]`; `2a` is `2A`. Each
/// must be one of the agency's (`allowed`).
pub fn parse_departements(typed: &str, allowed: &[String]) -> Result<Vec<String>, UploadRefusal> {
    let departements = ecars_core::finess::departement_codes(typed);
    for code in &departements {
        if ecars_core::finess::region_of(code).is_none() {
            return Err(UploadRefusal::UnknownDepartement);
        }
        if !allowed.contains(code) {
            return Err(UploadRefusal::OutsideAgency);
        }
    }
    if departements.is_empty() {
        Err(UploadRefusal::NoDepartement)
    } else {
        Ok(departements)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn departements_are_typed_as_a_list() {
        let allowed: Vec<String> = ["21", "25", "39", "2A"].map(String::from).to_vec();
        assert_eq!(parse_departements("21, 25 39;2a", &allowed).unwrap(), ["21", "25", "39", "2A"]);
        assert_eq!(parse_departements("21,21", &allowed).unwrap(), ["21"]);
        assert_eq!(parse_departements(" , ", &allowed), Err(UploadRefusal::NoDepartement));
        assert_eq!(parse_departements("21, 99", &allowed), Err(UploadRefusal::UnknownDepartement));
        assert_eq!(parse_departements("21, 38", &allowed), Err(UploadRefusal::OutsideAgency));
    }

    #[test]
    fn refusal_codes_come_back_as_themselves() {
        for refusal in UploadRefusal::ALL {
            assert_eq!(UploadRefusal::parse(refusal.code()), Some(refusal));
        }
        assert_eq!(UploadRefusal::parse("Compte suspendu"), None);
    }
}
