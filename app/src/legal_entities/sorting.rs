//! Sorting of the "Gestion des Contrats" table, driven by the URL (`?tri=adresse&ordre=desc`)
//! so that it works with and without JavaScript.

use super::LegalEntityRow;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    Entity,
    Address,
    Phone,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortOrder {
    Ascending,
    Descending,
}

impl SortKey {
    pub const ALL: [SortKey; 3] = [SortKey::Entity, SortKey::Address, SortKey::Phone];

    pub fn param(self) -> &'static str {
        match self {
            SortKey::Entity => "ej",
            SortKey::Address => "adresse",
            SortKey::Phone => "telephone",
        }
    }

    pub fn heading(self) -> &'static str {
        match self {
            SortKey::Entity => "Etablissement (EJ)",
            SortKey::Address => "Adresse",
            SortKey::Phone => "Téléphone",
        }
    }

    pub fn from_param(param: Option<&str>) -> Self {
        Self::ALL.into_iter().find(|key| Some(key.param()) == param).unwrap_or(SortKey::Entity)
    }

    fn value(self, row: &LegalEntityRow) -> String {
        match self {
            SortKey::Entity => row.entity.title(),
            SortKey::Address => row.address.clone(),
            SortKey::Phone => row.phone.clone(),
        }
    }
}

impl SortOrder {
    pub fn param(self) -> &'static str {
        match self {
            SortOrder::Ascending => "asc",
            SortOrder::Descending => "desc",
        }
    }

    pub fn from_param(param: Option<&str>) -> Self {
        if param == Some("desc") {
            SortOrder::Descending
        } else {
            SortOrder::Ascending
        }
    }

    pub fn reversed(self) -> Self {
        match self {
            SortOrder::Ascending => SortOrder::Descending,
            SortOrder::Descending => SortOrder::Ascending,
        }
    }

    /// Value of `aria-sort` on the sorted column.
    pub fn aria(self) -> &'static str {
        match self {
            SortOrder::Ascending => "ascending",
            SortOrder::Descending => "descending",
        }
    }
}

/// Sorts case-insensitively; equal keys keep the FINESS order so the result is stable.
pub fn sort_rows(rows: &mut [LegalEntityRow], key: SortKey, order: SortOrder) {
    rows.sort_by_cached_key(|row| (key.value(row).to_lowercase(), row.entity.finess.clone()));
    if order == SortOrder::Descending {
        rows.reverse();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::legal_entities::LegalEntityRef;

    fn row(finess: &str, name: &str, address: &str, phone: &str) -> LegalEntityRow {
        LegalEntityRow {
            entity: LegalEntityRef { finess: finess.into(), name: name.into() },
            address: address.into(),
            phone: phone.into(),
        }
    }

    #[test]
    fn sorts_by_each_column_both_ways() {
        let mut rows = vec![
            row("380780080", "CHU DE GRENOBLE ALPES", "38043 GRENOBLE", "0476767575"),
            row("210984078", "ACODEGE", "2 R GAGNIEREUX 21014 DIJON", "0390288028"),
        ];
        sort_rows(&mut rows, SortKey::Entity, SortOrder::Ascending);
        assert_eq!(rows[0].entity.finess, "210984078");
        sort_rows(&mut rows, SortKey::Address, SortOrder::Ascending);
        assert_eq!(rows[0].entity.finess, "210984078");
        sort_rows(&mut rows, SortKey::Address, SortOrder::Descending);
        assert_eq!(rows[0].entity.finess, "380780080");
        sort_rows(&mut rows, SortKey::Phone, SortOrder::Descending);
        assert_eq!(rows[0].entity.finess, "380780080");
    }

    #[test]
    fn unknown_parameters_fall_back_to_the_default_order() {
        assert_eq!(SortKey::from_param(Some("nimporte")), SortKey::Entity);
        assert_eq!(SortOrder::from_param(None), SortOrder::Ascending);
        assert_eq!(SortOrder::from_param(Some("desc")), SortOrder::Descending);
    }
}
