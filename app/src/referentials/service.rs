//! Referentials in the database: the list of an agency's referentials and versions, and the
//! writing of a checked file as the next version, in one transaction with its journal entry.

use std::collections::HashMap;

use chrono::Utc;
use ecars_core::vocabulary::ChangeKind;
use ecars_core::vocabulary::NodeKind;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::{CheckedReferential, ReferentialRow, RowKind, VersionRow};
use crate::audit::{self, Actor, Entry};
use crate::db::entities::{contract, referential, referential_node, referential_version};
use crate::db::{begin_write, french_date_time};

async fn find(
    db: &impl ConnectionTrait,
    agency_id: ecars_core::ids::AgencyId,
    name: &str,
) -> Result<Option<referential::Model>, DbErr> {
    referential::Entity::find()
        .filter(referential::Column::AgencyId.eq(agency_id))
        .filter(referential::Column::Name.eq(name))
        .one(db)
        .await
}

async fn last_version_number(db: &impl ConnectionTrait, referential_id: i32) -> Result<i32, DbErr> {
    let last: Option<Option<i32>> = referential_version::Entity::find()
        .select_only()
        .expr(sea_orm::sea_query::Func::max(Expr::col(referential_version::Column::Number)))
        .filter(referential_version::Column::ReferentialId.eq(referential_id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(last.flatten().unwrap_or(0))
}

/// The version an import of `name` would be: 1 for a new referential.
pub async fn next_version(
    db: &impl ConnectionTrait,
    agency_id: ecars_core::ids::AgencyId,
    name: &str,
) -> Result<i32, DbErr> {
    Ok(match find(db, agency_id, name).await? {
        Some(referential) => last_version_number(db, referential.id).await? + 1,
        None => 1,
    })
}

/// Every version of the agency's referentials, each with its label ("CAQES 2026 (version 2)"):
/// by referential, newest version first.
pub async fn labelled_versions(
    db: &impl ConnectionTrait,
    agency_id: ecars_core::ids::AgencyId,
) -> Result<Vec<(referential_version::Model, String)>, DbErr> {
    let referentials: HashMap<i32, referential::Model> = referential::Entity::find()
        .filter(referential::Column::AgencyId.eq(agency_id))
        .all(db)
        .await?
        .into_iter()
        .map(|referential| (referential.id, referential))
        .collect();
    let versions = referential_version::Entity::find()
        .filter(referential_version::Column::ReferentialId.is_in(referentials.keys().copied()))
        .order_by_asc(referential_version::Column::ReferentialId)
        .order_by_desc(referential_version::Column::Number)
        .all(db)
        .await?;
    Ok(versions
        .into_iter()
        .map(|version| {
            let name = referentials.get(&version.referential_id).map(|r| r.name.as_str()).unwrap_or_default();
            let label = super::version_label(name, version.number);
            (version, label)
        })
        .collect())
}

/// Version `version_id` if it is one of the agency's referentials', with its referential.
pub async fn agency_version(
    db: &impl ConnectionTrait,
    agency_id: ecars_core::ids::AgencyId,
    version_id: i32,
) -> Result<Option<(referential_version::Model, referential::Model)>, DbErr> {
    let Some(version) = referential_version::Entity::find_by_id(version_id).one(db).await? else {
        return Ok(None);
    };
    let referential = referential::Entity::find_by_id(version.referential_id)
        .one(db)
        .await?
        .filter(|referential| referential.agency_id == agency_id.0);
    Ok(referential.map(|referential| (version, referential)))
}

/// The nodes of a version in depth-first order, as an evaluation's tree is copied from them.
pub async fn nodes(db: &impl ConnectionTrait, version_id: i32) -> Result<Vec<referential_node::Model>, DbErr> {
    referential_node::Entity::find()
        .filter(referential_node::Column::VersionId.eq(version_id))
        .order_by_asc(referential_node::Column::Position)
        .all(db)
        .await
}

/// The agency's referentials by name, each with its versions, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    agency_id: ecars_core::ids::AgencyId,
) -> Result<Vec<ReferentialRow>, DbErr> {
    let referentials = referential::Entity::find()
        .filter(referential::Column::AgencyId.eq(agency_id))
        .order_by_asc(referential::Column::Name)
        .all(db)
        .await?;
    let mut rows = Vec::with_capacity(referentials.len());
    for referential in referentials {
        let versions = referential_version::Entity::find()
            .filter(referential_version::Column::ReferentialId.eq(referential.id))
            .order_by_desc(referential_version::Column::Number)
            .all(db)
            .await?;
        let mut shown = Vec::with_capacity(versions.len());
        for version in versions {
            let count = |kind: NodeKind| {
                referential_node::Entity::find()
                    .filter(referential_node::Column::VersionId.eq(version.id))
                    .filter(referential_node::Column::NodeKind.eq(kind))
                    .count(db)
            };
            shown.push(VersionRow {
                number: version.number,
                created_at: french_date_time(version.created_at),
                created_by: version.created_by.clone(),
                objectives: count(NodeKind::Objective).await?,
                questions: count(NodeKind::Question).await?,
                contracts: contract::Entity::find()
                    .filter(contract::Column::ReferentialVersionId.eq(version.id))
                    .count(db)
                    .await?,
            });
        }
        rows.push(ReferentialRow { name: referential.name, versions: shown });
    }
    Ok(rows)
}

/// Writes `checked` as the next version of the agency's referential `name` (created if new), with
/// its journal entry, in one transaction. Returns the version's number.
pub async fn write_version(
    db: &DatabaseConnection,
    agency_id: ecars_core::ids::AgencyId,
    name: &str,
    checked: &CheckedReferential,
    actor: &Actor,
) -> Result<i32, DbErr> {
    let txn = begin_write(db).await?;
    let referential = match find(&txn, agency_id, name).await? {
        Some(referential) => referential,
        None => {
            referential::ActiveModel {
                agency_id: Set(agency_id.0),
                name: Set(name.to_owned()),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    let number = last_version_number(&txn, referential.id).await? + 1;
    let version = referential_version::ActiveModel {
        referential_id: Set(referential.id),
        number: Set(number),
        created_at: Set(Utc::now()),
        created_by: Set(actor.email.clone()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    // Depth-first: a parent is always written before its children.
    let mut ids: HashMap<&str, i32> = HashMap::new();
    for (position, node) in checked.nodes.iter().enumerate() {
        let parent_id = node.parent.as_deref().and_then(|code| ids.get(code).copied());
        let written = referential_node::ActiveModel {
            version_id: Set(version.id),
            parent_id: Set(parent_id),
            position: Set(position as i32),
            node_kind: Set(match node.kind {
                RowKind::Objective => NodeKind::Objective,
                RowKind::Question => NodeKind::Question,
            }),
            code: Set(node.code.clone()),
            label: Set(node.label.clone()),
            value_kind: Set(node.value_kind),
            target: Set(node.target.clone()),
            national: Set(node.national),
            direction: Set(node.direction),
            weight: Set(node.weight),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        ids.insert(&node.code, written.id);
    }
    let after = serde_json::json!({
        "version": number,
        "objectifs": checked.count(RowKind::Objective),
        "questions": checked.count(RowKind::Question),
        "lignes refusées": checked.refused.len(),
    });
    let entry =
        Entry { kind: ChangeKind::ReferentialImported, subject: name.to_owned(), before: None, after: Some(after) };
    audit::record(&txn, actor, Some(agency_id.0), entry).await?;
    txn.commit().await?;
    Ok(number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::demo_database;
    use crate::referentials::rows::check;

    #[tokio::test]
    async fn each_import_is_the_next_version_and_the_first_stays_as_it_was() {
        let db = demo_database().await;
        let agency = crate::agencies::service::find_by_name(&db, crate::demo::BFC).await.unwrap().unwrap();
        let actor = Actor { id: None, email: "admin-bfc@ars.exemple.fr".into() };
        let rows = |label: &str| {
            let lines = [
                "Code;Code parent;Libellé;Type de nœud;Type de valeur;Cible;National".to_owned(),
                "1;;Objectif;objectif;;;".to_owned(),
                format!("1.a;1;{label};question;pourcentage;80;"),
            ];
            lines
                .iter()
                .enumerate()
                .map(|(n, line)| (n as u64 + 1, line.split(';').map(String::from).collect()))
                .collect()
        };
        assert_eq!(next_version(&db, ecars_core::ids::AgencyId(agency.id), "CAQES 2026").await.unwrap(), 1);
        let first = check(rows("Taux")).unwrap();
        assert_eq!(
            write_version(&db, ecars_core::ids::AgencyId(agency.id), "CAQES 2026", &first, &actor).await.unwrap(),
            1
        );
        let second = check(rows("Taux révisé")).unwrap();
        assert_eq!(
            write_version(&db, ecars_core::ids::AgencyId(agency.id), "CAQES 2026", &second, &actor).await.unwrap(),
            2
        );
        let listed = list(&db, ecars_core::ids::AgencyId(agency.id)).await.unwrap();
        assert_eq!(listed.len(), 1);
        let numbers: Vec<(i32, u64, u64)> =
            listed[0].versions.iter().map(|version| (version.number, version.objectives, version.questions)).collect();
        assert_eq!(numbers, [(2, 1, 1), (1, 1, 1)]);
        let ours: Vec<i32> = referential_version::Entity::find()
            .filter(
                referential_version::Column::ReferentialId.is_in(
                    referential::Entity::find()
                        .filter(referential::Column::Name.eq("CAQES 2026"))
                        .all(&db)
                        .await
                        .unwrap()
                        .into_iter()
                        .map(|referential| referential.id),
                ),
            )
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|version| version.id)
            .collect();
        let labels: Vec<String> = referential_node::Entity::find()
            .filter(referential_node::Column::VersionId.is_in(ours))
            .filter(referential_node::Column::NodeKind.eq(NodeKind::Question))
            .order_by_asc(referential_node::Column::VersionId)
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|node| node.label)
            .collect();
        assert_eq!(labels, ["Taux", "Taux révisé"], "version 1 is unchanged");
        let other = crate::agencies::service::find_by_name(&db, crate::demo::ARA).await.unwrap().unwrap();
        let theirs = list(&db, ecars_core::ids::AgencyId(other.id)).await.unwrap();
        assert!(theirs.iter().all(|row| row.name != "CAQES 2026"), "another agency does not see it");
    }
}
