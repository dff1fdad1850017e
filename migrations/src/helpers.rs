//! Shorthands shared by the migrations.

use sea_orm_migration::prelude::*;

/// A foreign key `table.column -> target.id`, removed with its row's parent only when `cascade`.
pub fn reference(table: &str, column: &str, target: &str, cascade: bool) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table.to_owned(), column.to_owned())
        .to(target.to_owned(), "id")
        .on_delete(if cascade { ForeignKeyAction::Cascade } else { ForeignKeyAction::Restrict })
        .to_owned()
}

pub fn index(table: &str, columns: &[&str], unique: bool) -> IndexCreateStatement {
    let mut statement = Index::create();
    statement.name(format!("ix_{table}_{}", columns.join("_"))).table(table.to_owned());
    for column in columns {
        statement.col(ToString::to_string(column));
    }
    if unique {
        statement.unique();
    }
    statement.to_owned()
}
